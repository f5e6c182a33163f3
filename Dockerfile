FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# WeasyPrint draws the Relazione's PDF with Pango.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY accounts accounts
COPY api api
COPY config config
COPY plans plans
COPY workflow workflow
COPY notifications notifications
COPY reports reports
COPY evaluation evaluation
COPY web web
COPY locale locale
COPY manage.py ./
RUN pip install --no-cache-dir . && useradd --system traguardi
# Static files collected and compressed at build time, with hashed names WhiteNoise serves for a year.
RUN DEBUG=true STATIC_MANIFEST=true STATIC_ROOT=/app/static TRAGUARDI_VAR_DIR=/tmp/var \
    python manage.py collectstatic --no-input -v0
ENV STATIC_MANIFEST=true STATIC_ROOT=/app/static TRAGUARDI_VAR_DIR=/var/lib/traguardi
RUN mkdir -p /var/lib/traguardi/keys && chown -R traguardi /var/lib/traguardi && chmod 700 /var/lib/traguardi/keys
USER traguardi
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
