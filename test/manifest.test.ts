import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { knownTargets } from '../server/src/core/syntax/cfg';
import { defaultSettings } from '../server/src/core/config';
import { ALL_RULES } from '../server/src/core/analysis/rules';

/**
 * The extension manifest (package.json) against the core it fronts: every setting the core reads is a
 * VS Code setting with the core's default, every rule can be configured, every command is implemented.
 * The client itself needs VS Code to run; what can be checked without it is checked here.
 */

const REPO = path.resolve(__dirname, '..', '..');

interface SettingSchema {
  type?: string | string[];
  default?: unknown;
  description?: string;
  markdownDescription?: string;
  enum?: unknown[];
  properties?: Record<string, SettingSchema>;
  additionalProperties?: boolean;
}

interface Manifest {
  main: string;
  activationEvents: string[];
  capabilities: {
    untrustedWorkspaces: { supported: boolean | 'limited' };
    virtualWorkspaces: boolean | { supported: boolean | 'limited' };
  };
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    configuration: { title: string; properties: Record<string, SettingSchema> };
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as Manifest;
const settings = manifest.contributes.configuration.properties;

/** The client's own settings: read by the client, never by the core. */
const CLIENT_SETTINGS = ['ffiGuard.trace.server'];

/** Settings the language server reads beside the core's (server/src/lsp/settings.ts): files to read. */
const SERVER_SETTINGS = ['ffiGuard.against'];

function descriptionOf(schema: SettingSchema): string {
  return schema.markdownDescription ?? schema.description ?? '';
}

/** Every TypeScript source of the client, concatenated. */
function clientSource(): string {
  const dir = path.join(REPO, 'client', 'src');
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
}

describe('manifest: settings', () => {
  it("has a setting, with a description, for every key of the core's settings, defaulting to the core's default", () => {
    for (const [key, value] of Object.entries(defaultSettings())) {
      const schema = settings[`ffiGuard.${key}`];
      assert.ok(schema, `ffiGuard.${key} is in contributes.configuration`);
      assert.ok(descriptionOf(schema).length > 20, `ffiGuard.${key} has a description`);
      assert.ok(schema.type, `ffiGuard.${key} has a type`);
      assert.deepStrictEqual(schema.default, value, `ffiGuard.${key} defaults to the core's default`);
    }
  });

  it('has no setting the core does not read, except the client’s own', () => {
    const known = new Set([
      ...Object.keys(defaultSettings()).map((k) => `ffiGuard.${k}`),
      ...CLIENT_SETTINGS,
      ...SERVER_SETTINGS,
    ]);
    for (const key of Object.keys(settings)) assert.ok(known.has(key), `${key} is read by the core or the client`);
    for (const key of [...CLIENT_SETTINGS, ...SERVER_SETTINGS])
      assert.ok(descriptionOf(settings[key]).length > 20, `${key} has a description`);
    const server = fs.readFileSync(path.join(REPO, 'server', 'src', 'lsp', 'settings.ts'), 'utf8');
    for (const key of SERVER_SETTINGS)
      assert.ok(server.includes(`.${key.replace('ffiGuard.', '')}`), `${key} is read by server/src/lsp/settings.ts`);
  });

  it('lets every rule be configured in ffiGuard.rules, and only rules', () => {
    const rules = settings['ffiGuard.rules'];
    assert.deepStrictEqual(Object.keys(rules.properties ?? {}).sort(), ALL_RULES.map((r) => r.id).sort());
    assert.strictEqual(rules.additionalProperties, false, 'an unknown rule id is flagged in settings.json');
    for (const rule of ALL_RULES) {
      const schema = rules.properties![rule.id];
      assert.deepStrictEqual(schema.enum, ['error', 'warning', 'info', 'hint', 'off'], rule.id);
      assert.ok(descriptionOf(schema).includes(rule.summary), `${rule.id}: its summary is its description`);
      assert.ok(
        descriptionOf(schema).includes(`\`${rule.defaultSeverity}\``),
        `${rule.id}: its default severity is named`,
      );
    }
  });

  it('offers every known target, and none for the default', () => {
    assert.deepStrictEqual(settings['ffiGuard.target'].enum, [null, ...knownTargets()]);
  });

  it('has the trace setting vscode-languageclient reads for the client id ffiGuard', () => {
    assert.deepStrictEqual(settings['ffiGuard.trace.server'].enum, ['off', 'messages', 'verbose']);
    assert.match(clientSource(), /new LanguageClient\(\s*SECTION,/);
    assert.match(clientSource(), /export const SECTION = 'ffiGuard';/);
  });
});

describe('manifest: commands, activation, capabilities', () => {
  it('registers every contributed command in client/src, and contributes every registered one', () => {
    const source = clientSource();
    const contributed = manifest.contributes.commands.map((c) => c.command);
    for (const c of manifest.contributes.commands) {
      assert.ok(source.includes(`'${c.command}'`), `${c.command} is registered in client/src`);
      assert.strictEqual(c.category, 'Rust FFI Guard', `${c.command} is listed as "Rust FFI Guard: ${c.title}"`);
    }
    const commandsTs = fs.readFileSync(path.join(REPO, 'client', 'src', 'commands.ts'), 'utf8');
    const registered = [...commandsTs.matchAll(/^\s*'(ffiGuard\.\w+)': \w+,$/gm)].map((m) => m[1]);
    assert.deepStrictEqual(registered.sort(), contributed.sort());
    assert.deepStrictEqual(
      manifest.contributes.commands.map((c) => `${c.category}: ${c.title}`),
      [
        'Rust FFI Guard: Restart Server',
        'Rust FFI Guard: Show Output',
        'Rust FFI Guard: Explain a Finding',
        'Rust FFI Guard: Show Rule Documentation',
        'Rust FFI Guard: Show ABI Report',
        'Rust FFI Guard: Generate C Header',
        'Rust FFI Guard: Save ABI Baseline',
        'Rust FFI Guard: Compare ABI with Baseline',
        'Rust FFI Guard: Fix All in Workspace',
      ],
    );
  });

  it('contributes the "FFI Surface" view to the Explorer, created by the client, and menus of contributed commands only', () => {
    const { views, menus } = manifest.contributes as unknown as {
      views: Record<string, { id: string; name: string }[]>;
      menus: Record<string, { command: string }[]>;
    };
    assert.deepStrictEqual(
      views.explorer.map((v) => [v.id, v.name]),
      [['ffiGuard.surface', 'FFI Surface']],
    );
    assert.match(clientSource(), /export const SURFACE_VIEW = 'ffiGuard\.surface';/);
    const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
    for (const [menu, items] of Object.entries(menus))
      for (const item of items) assert.ok(contributed.has(item.command), `${menu}: ${item.command}`);
  });

  it('activates on Rust files and on a workspace with a Cargo.toml', () => {
    assert.ok(manifest.activationEvents.includes('onLanguage:rust'));
    assert.ok(manifest.activationEvents.includes('workspaceContains:**/Cargo.toml'));
    assert.ok(!manifest.activationEvents.includes('*'), 'no activation on startup');
  });

  it('runs in untrusted workspaces (it never runs workspace code), not in virtual ones (it reads files from disk)', () => {
    assert.strictEqual(manifest.capabilities.untrustedWorkspaces.supported, true);
    const virtual = manifest.capabilities.virtualWorkspaces;
    assert.strictEqual(typeof virtual === 'boolean' ? virtual : virtual.supported, false);
  });

  it('starts from the bundled client', () => {
    assert.strictEqual(manifest.main, './dist/extension.js');
  });
});
