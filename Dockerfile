# Container image of the bot: supervisord in the foreground runs every program.
#   docker build -t kraken-pi-bot .
#   docker run -d --name bot -p 127.0.0.1:8080:8080 -v bot-var:/app/var --shm-size=64m kraken-pi-bot
# BASE_IMAGE can point at a local Debian/Python image when no registry is reachable.
ARG BASE_IMAGE=python:3.11-slim-bookworm
FROM ${BASE_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
COPY requirements.txt /tmp/requirements.txt
RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install -r /tmp/requirements.txt

FROM ${BASE_IMAGE}
# Inside the container the dashboard must listen on all interfaces; publish it on the
# host as 127.0.0.1:8080 (see above) to keep it local.
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 BOT_HOME=/app/var BOT_PYTHON=/opt/venv/bin/python \
    BOT__WEB__HOST=0.0.0.0
RUN groupadd --system --gid 10001 bot && useradd --system --uid 10001 --gid bot --home-dir /app bot
COPY --from=build /opt/venv /opt/venv
COPY --chown=bot:bot . /app
WORKDIR /app
RUN mkdir -p /app/var/run /app/var/logs /app/var/models && chmod 700 /app/var/run && chown -R bot:bot /app/var
USER 10001
VOLUME ["/app/var"]
CMD ["python", "-m", "tools.botctl", "foreground"]
