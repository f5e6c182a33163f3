FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY config config
COPY plans plans
COPY workflow workflow
COPY notifications notifications
COPY manage.py ./
RUN pip install --no-cache-dir . && useradd --system traguardi
USER traguardi
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
