# The web portal: static files served by nginx. Its settings come from /config.json, mounted at
# run time (see docker/web-config.json), so one image deploys anywhere.
#   docker build -f docker/web.Dockerfile -t starchart-web .
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /repo
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npx nx build web --output-style=static

FROM nginx:1.27-alpine AS runtime
COPY docker/web-nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /repo/dist/apps/web/ /usr/share/nginx/html/
