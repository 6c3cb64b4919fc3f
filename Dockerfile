# One image for every Shelflink service: `docker build --build-arg APP=gateway .` (or pick APP at run time).
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY . .
RUN node scripts/build.mjs && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/libs/providers/config ./libs/providers/config
COPY --from=build /app/bin ./bin
# The NATS users template the CLI renders consumer services into (docs/consumer-services.md).
COPY --from=build /app/deploy/nats ./deploy/nats
ARG APP=gateway
ENV APP=${APP}
USER node
# Health is /health/ready on HTTP_PORT; compose defines the check per service.
CMD ["sh", "-c", "exec node --enable-source-maps dist/apps/${APP}/src/main.js"]
