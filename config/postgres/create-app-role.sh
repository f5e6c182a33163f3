#!/bin/sh
# Run once by the postgres image when its data volume is created (docker-entrypoint-initdb.d): the application's
# role. It owns nothing; `manage.py migrate`, run as the owner with DATABASE_APP_ROLE=traguardi_app, grants it
# what the application needs after every migration (workflow/trail/install.py).
set -eu
psql -v ON_ERROR_STOP=1 -v app_password="$POSTGRES_APP_PASSWORD" \
    --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'EOSQL'
CREATE ROLE traguardi_app LOGIN PASSWORD :'app_password';
GRANT CONNECT ON DATABASE traguardi TO traguardi_app;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
EOSQL
