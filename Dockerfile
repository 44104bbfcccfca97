FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=cms.settings.production VAR_DIR=/app/var PORT=8000
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 qpido
WORKDIR /app
# exactly the locked versions, hash-checked (requirements/production.txt, written by `make lock`)
COPY requirements/production.txt requirements/production.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/production.txt
COPY . .
RUN SECRET_KEY=build-only python manage.py compile_catalogues \
    && SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media && chown -R qpido /app/var
USER qpido
EXPOSE 8000
ENTRYPOINT ["/app/docker-entrypoint.sh"]
CMD ["gunicorn", "-c", "python:cms.gunicorn_conf", "cms.wsgi:application"]
