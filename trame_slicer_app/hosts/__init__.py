"""Who serves the scene to the web: the headless engine over slicer-core, or a running Slicer.

host.py names what the streaming and web layers need of a host (``SceneHost``); they know nothing
more of it. The live side (live_views.py, live_engine.py) reads a Qt layout manager's views, Slicer's
own or the Qt test host's (qt_host.py); qt_asyncio.py runs the web server's asyncio loop on the Qt
main thread (docs/decisions/0023-slicer-host.md).
"""
