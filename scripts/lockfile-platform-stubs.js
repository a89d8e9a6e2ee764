#!/usr/bin/env node
/*
 * The npm registry reachable here lacks some platform-specific optional binaries (darwin/win32/…
 * builds of @swc/core, unrs-resolver, msgpackr-extract) at the versions their parents pin, so
 * `npm install` leaves them out of package-lock.json and `npm ci` then refuses the lock as out of
 * sync. This adds lock entries for those optional packages, marked with the os/cpu they need, so
 * `npm ci` skips them on other platforms exactly as it would with a complete lock.
 * Run after any dependency change: `node scripts/lockfile-platform-stubs.js`.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const pkgs = lock.packages;

function platformOf(name) {
  const n = name.split('/').pop();
  const os = ['darwin', 'win32', 'linux', 'freebsd', 'android', 'openharmony'].find((o) => n.includes(o));
  const cpu = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64'].find((c) => new RegExp(`-${c}(-|$)`).test(n));
  const libc = /musl/.test(n) ? ['musl'] : /gnu/.test(n) ? ['glibc'] : undefined;
  return { os: os ? [os] : undefined, cpu: cpu ? [cpu] : undefined, libc };
}

let added = 0;
for (const [key, meta] of Object.entries(pkgs)) {
  if (!key.startsWith('node_modules/') || !meta.optionalDependencies) continue;
  for (const [dep, version] of Object.entries(meta.optionalDependencies)) {
    const nested = `${key}/node_modules/${dep}`;
    const top = `node_modules/${dep}`;
    if (pkgs[nested] || pkgs[top]) continue;
    const { os, cpu, libc } = platformOf(dep);
    if (!os || os[0] === 'linux' && cpu && cpu[0] === 'x64' && !(libc && libc[0] === 'musl')) continue;
    pkgs[top] = { version: String(version).replace(/^[^\d]*/, ''), optional: true, ...(os && { os }), ...(cpu && { cpu }), ...(libc && { libc }) };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} platform stub entries to package-lock.json`);
