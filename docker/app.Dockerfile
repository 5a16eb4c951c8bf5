# One multi-stage image per app, built from that app's own build output:
#   docker build -f docker/app.Dockerfile --build-arg APP=apps/api -t starchart-api .
# APP is the project root (apps/api, apps/worker, apps/board, tools/route53-emulator).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG APP
WORKDIR /repo
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npx nx build "$(basename "${APP}")" --output-style=static

FROM ${NODE_IMAGE} AS runtime
ARG APP
ENV NODE_ENV=production
WORKDIR /app
# The build writes a package.json and lock file with exactly the app's runtime dependencies.
COPY --from=build /repo/dist/${APP}/package.json /repo/dist/${APP}/package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /repo/dist/${APP}/ ./
USER node
CMD ["node", "main.js"]
