# Gatehouse's image: Debian slim with Python 3.13, the Noto CJK fonts and what WeasyPrint needs.
# One image for every role; compose.yaml (or the systemd units in deploy/systemd) chooses the
# command: the web server, the device worker, the export worker, the task worker, the scheduler.
FROM python:3.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TZ=Asia/Shanghai

# fonts-noto-cjk: Chinese on every PDF; pango/harfbuzz: WeasyPrint's layout and font subsetting;
# postgresql-client: pg_dump/pg_restore for `manage.py backup` (15, as the compose database).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
      postgresql-client-15 tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /home/gatehouse --uid 10001 gatehouse

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY manage.py pyproject.toml ./
COPY gatehouse ./gatehouse
COPY locale ./locale

# Messages and static files are built into the image. Settings refuse to start without keys, so
# this one step runs with throwaway keys that exist only inside it; the real keys come from the
# environment at run time (.env.production, never baked in).
RUN GATEHOUSE_SECRET_KEY=build GATEHOUSE_LOOKUP_KEY=build GATEHOUSE_EVENT_KEY=build \
    GATEHOUSE_DATA_KEYS=$(python -c "import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode())") \
    sh -c "python manage.py compilemessages_py && python manage.py collectstatic --noinput -v 0" \
 && mkdir -p /app/var/media && chown -R gatehouse:gatehouse /app/var

USER gatehouse
VOLUME ["/app/var"]
EXPOSE 8000
CMD ["granian", "--interface", "wsgi", "--host", "0.0.0.0", "--port", "8000", \
     "--workers", "2", "--blocking-threads", "2", "--log-level", "warning", "gatehouse.wsgi:application"]
