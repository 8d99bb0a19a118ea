"""audio-leaflet: patient-information leaflets as accessible, chaptered audio."""

__version__ = "0.1.0"
