# tessera's ready server in a container: non-root, read-only root filesystem, data in /data.
#
# What it copies is .container/ (.dockerignore sends the builder nothing else), made by
# `node scripts/container-context.mjs` after `npm run build`: the built package, its production
# node_modules and a Node binary. Then, offline, from a base made with scripts/container-base.sh
# (debootstrap, Debian's packages):
#
#   podman build --format docker -t tessera .
#
# Where registries are reachable, Node and the dependencies can come from them instead:
#
#   node scripts/container-context.mjs --node-from-base --deps-from-npm
#   docker build --build-arg BASE=node:20-bookworm-slim -t tessera .
#
# docs/container.md says why, and how to run it.
ARG BASE=tessera-base:bookworm
FROM ${BASE}
ARG TESSERA_UID=10001

# Node: .container/bin/node when the context has one (the debootstrapped base has no Node, Debian's
# nodejs is 18 and tessera needs >= 20.19, NodeSource is not reachable offline); else the base's own
# (node:20-bookworm-slim has /usr/local/bin/node). An empty bin/ copies nothing.
COPY .container/bin/ /usr/local/bin/
# A user of its own, no login shell; /data is its volume (the SQLite file, the generated signing key).
RUN node -e "const [a,b]=process.versions.node.split('.').map(Number); if (a<20||(a===20&&b<19)) { console.error('tessera needs Node >= 20.19, this is '+process.version); process.exit(1) }" \
 && groupadd --gid ${TESSERA_UID} tessera \
 && useradd --uid ${TESSERA_UID} --gid tessera --home-dir /data --no-create-home --shell /usr/sbin/nologin tessera \
 && mkdir -p /data \
 && chown tessera:tessera /data \
 && ln -s /app/dist/bin/tessera.js /usr/local/bin/tessera

# The package (package.json, dist/) and, unless --deps-from-npm, its production node_modules as
# installed on a linux-x64 glibc host (better-sqlite3 and @node-rs/argon2 are native add-ons).
COPY .container/app/ /app/
# --deps-from-npm: the context has the lockfile and no node_modules; npm is the base's (node:20 images).
RUN if [ ! -d /app/node_modules ]; then cd /app && npm ci --omit=dev && npm cache clean --force; fi

ENV NODE_ENV=production \
    TESSERA_HOST=0.0.0.0 \
    TESSERA_PORT=8000 \
    TESSERA_DATA_DIR=/data \
    TESSERA_DATABASE_URL=sqlite:/data/tessera.sqlite3
VOLUME /data
WORKDIR /data
USER tessera:tessera
EXPOSE 8000
# No curl in the image: Node's own fetch asks /health/ (200 while the process serves).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.TESSERA_PORT||8000)+'/health/').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node as PID 1: `serve` handles SIGTERM itself (drains, closes the pools, exits) and its --workers
# are Node's cluster children, which it reaps. `serve` migrates the database first, as `npm start` does.
ENTRYPOINT ["node", "/app/dist/bin/tessera.js"]
CMD ["serve"]
