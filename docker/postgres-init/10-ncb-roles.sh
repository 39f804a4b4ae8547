#!/bin/sh
# First start of the postgres container (/docker-entrypoint-initdb.d): create the owner and
# application roles of docker-compose.yml and their grants (ncb-roles.psql, which says why).
set -eu
psql --no-psqlrc --username "$POSTGRES_USER" --dbname postgres \
    --set dbname="$POSTGRES_DB" \
    --set owner_role="$NCB_DB_OWNER" \
    --set owner_password="$NCB_DB_OWNER_PASSWORD" \
    --set app_role="$NCB_DB_APP" \
    --set app_password="$NCB_DB_APP_PASSWORD" \
    --file /docker-entrypoint-initdb.d/ncb-roles.psql
