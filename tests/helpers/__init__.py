"""What the tests share: real speech, bundles, a studio process, Word and PDF files made
as staff's tools make them, and readings of a leaflet that do not use the reader's code."""
