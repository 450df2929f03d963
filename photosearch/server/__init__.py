"""The local HTTP API (``photosearch serve``, the optional ``photosearch[server]`` extra):
searches for scripts, launchers and other apps, beside the GUI and the CLI as one more
client of the engine facade. Loopback only unless asked, and every request needs the
token kept in the data folder."""
