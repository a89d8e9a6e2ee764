#!/usr/bin/env node
/*
 * `npm start`: builds, makes sure PostgreSQL and Redis are there (starting private ones under
 * ./.data when nothing answers and no URL is configured), runs migrations, seeds a demo tenant on an
 * empty database, then runs the api and the worker as two processes. Ctrl-C stops all it started.
 */
'use strict';
const { spawn, spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const root = path.join(__dirname, '..');
const dataDir = path.join(root, '.data');
const children = [];
const cleanups = [];
let stopping = false;

function log(msg) {
  console.log(`[synq] ${msg}`);
}

function portAnswers(host, port, timeoutMs = 800) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

async function waitFor(host, port, what, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await portAnswers(host, port)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not come up on ${host}:${port}`);
}

function findBinary(name, extraDirs = []) {
  const dirs = [...(process.env.PATH || '').split(':'), ...extraDirs];
  for (const d of dirs) {
    const p = path.join(d, name);
    if (d && fs.existsSync(p)) return p;
  }
  return undefined;
}

function postgresBinDirs() {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return [];
  return fs
    .readdirSync(base)
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => path.join(base, v, 'bin'));
}

async function ensurePostgres() {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  if (await portAnswers('127.0.0.1', 5432)) {
    log('using PostgreSQL on 127.0.0.1:5432');
    return 'postgres://postgres@127.0.0.1:5432/synq';
  }
  const port = 54329;
  const url = `postgres://postgres@127.0.0.1:${port}/synq`;
  if (await portAnswers('127.0.0.1', port)) return url;
  const initdb = findBinary('initdb', postgresBinDirs());
  const pgctl = findBinary('pg_ctl', postgresBinDirs());
  if (!initdb || !pgctl) {
    throw new Error(
      'PostgreSQL is not reachable on 127.0.0.1:5432 and its binaries (initdb, pg_ctl) are not installed.\n' +
        '  Install it (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@16),\n' +
        '  or start one and set DATABASE_URL=postgres://user:pass@host:5432/synq',
    );
  }
  const pgdata = path.join(dataDir, 'postgres');
  const asRoot = process.getuid && process.getuid() === 0;
  const run = (bin, args) => {
    if (asRoot) return execFileSync('runuser', ['-u', 'postgres', '--', bin, ...args], { stdio: 'inherit' });
    return execFileSync(bin, args, { stdio: 'inherit' });
  };
  fs.mkdirSync(dataDir, { recursive: true });
  if (!fs.existsSync(path.join(pgdata, 'PG_VERSION'))) {
    log(`initialising a private PostgreSQL in ${pgdata}`);
    fs.mkdirSync(pgdata, { recursive: true });
    if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', pgdata]);
    run(initdb, ['-D', pgdata, '-U', 'postgres', '--auth=trust', '--encoding=UTF8']);
  }
  log(`starting a private PostgreSQL on 127.0.0.1:${port}`);
  run(pgctl, ['-D', pgdata, '-l', path.join(pgdata, 'server.log'), '-w', '-o', `-p ${port} -c listen_addresses=127.0.0.1 -k ${pgdata}`, 'start']);
  cleanups.push(() => {
    try {
      run(pgctl, ['-D', pgdata, '-m', 'fast', 'stop']);
    } catch {
      /* already stopped */
    }
  });
  return url;
}

async function ensureRedis() {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  if (await portAnswers('127.0.0.1', 6379)) {
    log('using Redis on 127.0.0.1:6379');
    return 'redis://127.0.0.1:6379';
  }
  const port = 63799;
  if (await portAnswers('127.0.0.1', port)) return `redis://127.0.0.1:${port}`;
  const bin = findBinary('redis-server');
  if (!bin) {
    throw new Error(
      'Redis is not reachable on 127.0.0.1:6379 and redis-server is not installed.\n' +
        '  Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis),\n' +
        '  or start one and set REDIS_URL=redis://host:6379',
    );
  }
  const dir = path.join(dataDir, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  log(`starting a private Redis on 127.0.0.1:${port}`);
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes'], { stdio: 'ignore' });
  cleanups.push(() => child.kill('SIGTERM'));
  await waitFor('127.0.0.1', port, 'Redis');
  return `redis://127.0.0.1:${port}`;
}

async function ensureDatabase(url) {
  const { Client } = require('pg');
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1)) || 'synq';
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const c = new Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (r.rowCount === 0) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`cannot create database "${name}": use a simple name`);
      log(`creating database ${name}`);
      await c.query(`CREATE DATABASE ${name}`);
    }
  } finally {
    await c.end();
  }
}

function npmRun(script, env) {
  const r = spawnSync('npm', ['run', '--silent', script], { cwd: root, env, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm run ${script} failed`);
}

function startChild(name, file, env) {
  const child = spawn(process.execPath, [file], { cwd: root, env, stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal || code}); stopping`);
      void stop(1);
    }
  });
  children.push(child);
  return child;
}

async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  await Promise.all(
    children.map(
      (c) =>
        new Promise((resolve) => {
          if (c.exitCode !== null || c.signalCode) return resolve();
          c.once('exit', resolve);
          c.kill('SIGTERM');
          setTimeout(() => c.kill('SIGKILL'), 15000).unref();
        }),
    ),
  );
  for (const fn of cleanups.reverse()) fn();
  process.exit(code);
}

async function main() {
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  const databaseUrl = await ensurePostgres();
  const redisUrl = await ensureRedis();
  await ensureDatabase(databaseUrl);
  const env = { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl };
  log('building');
  npmRun('build', env);
  log('running migrations');
  npmRun('migration:run', env);
  npmRun('seed:demo', env);
  startChild('api', path.join(root, 'dist/apps/api/src/main.js'), env);
  startChild('worker', path.join(root, 'dist/apps/worker/src/main.js'), env);
}

main().catch((err) => {
  console.error(`[synq] ${err.message}`);
  void stop(1);
});
