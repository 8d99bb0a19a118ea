"""`python -m audio_leaflet` runs the command line."""

from audio_leaflet.cli import main

if __name__ == "__main__":
    main()
