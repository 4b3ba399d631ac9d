"""In-process tests of the web layer; a package, so that its conftest is ``web.conftest``, not a
second ``conftest`` shadowing the shared one."""
