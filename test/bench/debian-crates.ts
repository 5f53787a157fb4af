import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Real Rust sources without a network: Debian packages crates as `librust-<name>-dev`, whose sources land
 * in `/usr/share/cargo/registry/<name>-<version>/`, a directory that cargo can use as a registry. The
 * real-crate agreement run and the benchmark workspaces both take their crates from there.
 */

export const DEBIAN_REGISTRY = '/usr/share/cargo/registry';

/** A crate's source as Debian ships it. */
export interface DebianCrate {
  name: string;
  version: string;
  /** `/usr/share/cargo/registry/<name>-<version>`: read only, never written. */
  dir: string;
}

/** The Debian package that ships a crate: `librust-` + the name with `_` as `-`, lower case, + `-dev`. */
export function debianPackageOf(crate: string): string {
  return `librust-${crate.replace(/_/g, '-').toLowerCase()}-dev`;
}

/** Which of the packages dpkg has installed (not merely known, or removed with its configuration left). */
function installedOf(pkgs: string[]): Set<string> {
  // One query for all: dpkg-query exits non-zero when some are unknown, and still lists the others.
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\n', ...pkgs], { encoding: 'utf8' });
  const lines = (r.stdout ?? '').split('\n').filter((l) => l.endsWith(' install ok installed'));
  return new Set(lines.map((l) => l.split(' ')[0]));
}

/** Which of the packages apt has a record of: real packages, not purely virtual ones, in one query. */
function realPackagesOf(pkgs: string[]): Set<string> {
  const r = spawnSync('apt-cache', ['show', '--no-all-versions', ...pkgs], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return new Set([...(r.stdout ?? '').matchAll(/^Package: (\S+)$/gm)].map((m) => m[1]));
}

/**
 * Install the packages of the crates not installed yet, with one `apt-get install` for all of them
 * (installing is slow; an installed package is skipped). A crate needs `librust-<name>-dev`, and
 * `librust-<name>+default-dev` where Debian splits the default features' optional dependencies into it.
 * Returns the crates apt does not know: not fatal, the caller lists them as skipped.
 */
export function ensureDebianCrates(crates: string[], log: (line: string) => void = console.log): Set<string> {
  const names = [...new Set(crates)];
  const base = names.map(debianPackageOf);
  const withDefaults = base.map((p) => p.replace(/-dev$/, '+default-dev'));
  // apt knows nothing before its first `apt-get update` on a new machine, and may know an old list.
  if (installedOf(base).size < base.length) execFileSync('apt-get', ['update'], { stdio: 'ignore' });
  const real = realPackagesOf([...base, ...withDefaults]);
  const installed = installedOf([...base, ...withDefaults]);
  const unknown = new Set(names.filter((_, i) => !real.has(base[i]) && !installed.has(base[i])));
  const wanted = [...base, ...withDefaults].filter((p) => real.has(p) && !installed.has(p));
  if (wanted.length) {
    log(`apt-get install ${wanted.length} package(s): ${wanted.join(' ')}`);
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...wanted], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  return unknown;
}

/** Compare dotted versions numerically, pre-release suffixes last. */
function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/);
  const pb = b.split(/[.+-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = Number(pa[i] ?? -1);
    const y = Number(pb[i] ?? -1);
    if (x !== y) return (Number.isNaN(x) ? -1 : x) - (Number.isNaN(y) ? -1 : y);
  }
  return 0;
}

/** The newest version of a crate in the Debian registry, or null when none is installed. */
export function findDebianCrate(name: string): DebianCrate | null {
  if (!fs.existsSync(DEBIAN_REGISTRY)) return null;
  // Debian names the folder after the crate as published: `onig_sys` may be listed here as `onig-sys`.
  const spelled = (s: string): string => s.replace(/_/g, '-').toLowerCase();
  const found = fs
    .readdirSync(DEBIAN_REGISTRY)
    .map((d) => /^(.+?)-(\d+\.\d+\.\d+.*)$/.exec(d))
    .filter((m): m is RegExpExecArray => !!m && spelled(m[1]) === spelled(name))
    .sort((a, b) => compareVersions(a[2], b[2]))
    .pop();
  return found ? { name: found[1], version: found[2], dir: path.join(DEBIAN_REGISTRY, found[0]) } : null;
}

/** The name of every crate whose source is in Debian's registry on this machine, once each, sorted. */
export function installedDebianCrates(): string[] {
  if (!fs.existsSync(DEBIAN_REGISTRY)) return [];
  const names = fs
    .readdirSync(DEBIAN_REGISTRY)
    .map((d) => /^(.+?)-(\d+\.\d+\.\d+.*)$/.exec(d)?.[1])
    .filter((n): n is string => !!n);
  return [...new Set(names)].sort();
}

/** Every `.rs` file below `dir` (no `target/`), for sizes and for parsing. */
export function rustFilesUnder(dir: string): string[] {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'target') walk(full);
      } else if (e.isFile() && e.name.endsWith('.rs')) files.push(full);
    }
  };
  walk(dir);
  return files.sort();
}
