# Production image for the web, worker and beat services of docker-compose.yml.
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    NCB_VAR_DIR=/var/lib/ncb-thb

# DejaVu: the court dossier's PDF shows names in Greek, Cyrillic and Arabic script.
# gettext: msgfmt, which compiles the translation catalogues below.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY contacts ./contacts
COPY evidence ./evidence
COPY messages_hst ./messages_hst
COPY ncb_cases ./ncb_cases
COPY reports ./reports
COPY templates ./templates
COPY static ./static
COPY locale ./locale
COPY manage.py ./
RUN pip install . \
    && useradd --system --uid 10001 --home /var/lib/ncb-thb --create-home ncb \
    && SECRET_KEY=build-only-collectstatic python manage.py collectstatic --noinput \
    && SECRET_KEY=build-only-compilemessages python manage.py compilemessages \
    && chown -R ncb /var/lib/ncb-thb

USER ncb
EXPOSE 8000
# The deploy checks (DEBUG, SECRET_KEY, database role, signing key, Django's own) refuse to
# start a misconfigured instance, with the reason, before gunicorn serves anything.
CMD ["sh", "-c", "python manage.py check --deploy --fail-level WARNING --database default && exec gunicorn ncb_cases.wsgi --bind 0.0.0.0:8000 --workers 3 --access-logfile -"]
