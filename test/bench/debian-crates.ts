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

/** Whether dpkg has the package installed (not merely known or removed with its configuration left). */
function isInstalled(pkg: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/** Whether apt knows a real package of that name (a purely virtual one has no `Package:` record). */
function isRealPackage(pkg: string): boolean {
  const r = spawnSync('apt-cache', ['show', '--no-all-versions', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes(`Package: ${pkg}\n`);
}

/**
 * The packages a crate needs to build with its default features: `librust-<name>-dev`, and
 * `librust-<name>+default-dev` where Debian splits the default features' optional dependencies into it.
 */
function packagesFor(crate: string): string[] {
  const base = debianPackageOf(crate);
  const withDefaults = base.replace(/-dev$/, '+default-dev');
  return isRealPackage(withDefaults) ? [base, withDefaults] : [base];
}

/**
 * Install the packages of the crates not installed yet, with one `apt-get install` for all of them
 * (installing is slow; an installed package is skipped). Returns the crates apt does not know: not
 * fatal, the caller lists them as skipped.
 */
export function ensureDebianCrates(crates: string[], log: (line: string) => void = console.log): Set<string> {
  const unknown = new Set<string>();
  const wanted: string[] = [];
  const names = [...new Set(crates)];
  // apt knows nothing before its first `apt-get update` on a new machine, and may know an old list.
  if (names.some((c) => !isInstalled(debianPackageOf(c)))) execFileSync('apt-get', ['update'], { stdio: 'ignore' });
  for (const crate of names) {
    const pkgs = packagesFor(crate);
    if (!isRealPackage(pkgs[0]) && !isInstalled(pkgs[0])) unknown.add(crate);
    else wanted.push(...pkgs.filter((p) => !isInstalled(p)));
  }
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
  const prefix = `${name}-`;
  const versions = fs
    .readdirSync(DEBIAN_REGISTRY)
    .filter((d) => d.startsWith(prefix) && /^\d+\.\d+\.\d+/.test(d.slice(prefix.length)))
    .map((d) => d.slice(prefix.length))
    .sort(compareVersions);
  const version = versions.pop();
  return version ? { name, version, dir: path.join(DEBIAN_REGISTRY, `${name}-${version}`) } : null;
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
