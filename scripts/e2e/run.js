#!/usr/bin/env node
'use strict';
// The end-to-end test (issue 6): the packaged extension in a real VS Code (code-server), driven with the
// keyboard and mouse as a person would, in headless Debian chromium through playwright-core.
//
//   npm run test:e2e
//
// 1. scripts/e2e/setup.sh installs code-server, playwright-core and the Debian packages into a cache
//    outside the checkout (~/.cache/ffi-guard-e2e, or $FFI_GUARD_E2E_CACHE), once per machine;
// 2. `npm run package` builds rust-ffi-guard.vsix;
// 3. code-server, with its own user-data and extensions folders in a temporary directory, installs the .vsix
//    and serves a copy of examples/ffi-demo on 127.0.0.1 at a free port, without auth, telemetry, update
//    checks or workspace trust;
// 4. chromium opens src/lib.rs, waits for the `str-type` finding of `kv_get(…, key: &str)` in the Problems
//    panel and as a squiggle under `&str`, hovers it and reads the explanation, applies the quick fix from
//    the light bulb (when the server offers one), runs "Rust FFI Guard: Show ABI Report" (when the
//    extension has it), then "Rust FFI Guard: Fix All in Workspace", confirms, and checks that no finding
//    on an exported function is left;
// 5. a PNG of each step goes to e2e-screenshots/ at the repository root (emptied first);
// 6. code-server, its children and chromium are stopped, and the temporary directory removed (kept, with
//    code-server's log, when a step failed, or with FFI_GUARD_E2E_KEEP=1).
//
// A step that the extension cannot do yet (no code action offered, no report command) is reported as
// SKIPPED with the reason, never passed. Anything else that goes wrong fails the run with a message.
// The last line is "e2e: N passed, N failed, N skipped".

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const http = require('http');

const ROOT = path.resolve(__dirname, '..', '..');
const SHOTS = path.join(ROOT, 'e2e-screenshots');
const EXAMPLE = path.join(ROOT, 'examples', 'ffi-demo');
const EXTENSION_ID = 'rust-ffi-guard.rust-ffi-guard';
const REPORT_COMMAND = 'Rust FFI Guard: Show ABI Report';
const FIX_ALL_COMMAND = 'Rust FFI Guard: Fix All in Workspace';
const RULE_DOCS_COMMAND = 'Rust FFI Guard: Show Rule Documentation';
/** Titles of code actions that silence a finding rather than fix it: not "the quick fix". */
const NOT_A_FIX = /\b(allow|ignore|disable|suppress|silence|turn off|learn more|explain|show)\b/i;

const t0 = Date.now();
const secs = (from = t0) => `${((Date.now() - from) / 1000).toFixed(1)} s`;
const log = (msg) => console.log(`[e2e ${secs()}] ${msg}`);

class StepFailure extends Error {}

/** The outcome of each step, in order. */
const results = [];
let shotNumber = 0;
/** The page, once there is one: a failed step leaves a screenshot of how it failed. */
let currentPage = null;
/** What to stop and remove at the end. */
const cleanup = { browser: null, server: null, dir: null, keep: process.env.FFI_GUARD_E2E_KEEP === '1' };

function fail(message) {
  throw new StepFailure(message);
}

// ----------------------------------------------------------------------------------------------------------
// Install, build, start

function setup() {
  log('installing what the test needs (scripts/e2e/setup.sh; cached after the first run)');
  const r = spawnSync('bash', [path.join(__dirname, 'setup.sh')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    timeout: 8 * 60 * 1000,
    killSignal: 'SIGKILL',
  });
  if (r.error && r.error.code === 'ETIMEDOUT')
    fail(
      'scripts/e2e/setup.sh took more than 8 minutes: see its logs in the cache folder (~/.cache/ffi-guard-e2e/logs)',
    );
  if (r.status !== 0)
    fail(`scripts/e2e/setup.sh failed (exit ${r.status}): a dependency could not be installed, see above`);
  const cache = r.stdout.trim().split('\n').pop();
  const codeServer = path.join(cache, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!fs.existsSync(codeServer)) fail(`setup printed ${cache}, where there is no code-server`);
  return { cache, codeServer, playwright: require(path.join(cache, 'node_modules', 'playwright-core')) };
}

/**
 * Builds the .vsix as `npm run package` does (scripts/bundle.js, then `vsce package` with the flags of the
 * `package` script), but in a staging folder inside `dir`: the tree's dist/ and rust-ffi-guard.vsix are shared
 * with whoever else builds or tests in this checkout at the same time, and are left alone.
 */
function buildVsix(dir) {
  log('building the .vsix (scripts/bundle.js + vsce package, as `npm run package` does, in a staging folder)');
  const stage = path.join(dir, 'package');
  fs.mkdirSync(stage, { recursive: true });
  // What .vscodeignore lets into the package besides dist/, and the Marketplace README (`vsce.readmePath`).
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const files = ['README.md', 'LICENSE', '.vscodeignore', 'CHANGELOG.md', manifest.icon, 'docs/rules.md'];
  files.push(...manifest.contributes.grammars.map((g) => g.path), manifest.vsce?.readmePath);
  for (const f of files.filter(Boolean)) {
    fs.mkdirSync(path.dirname(path.join(stage, f)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), path.join(stage, f));
  }
  // The bundle is written below, into the staging folder: not by `vscode:prepublish`, which bundles into dist/.
  delete manifest.scripts['vscode:prepublish'];
  fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(manifest, null, 2));
  const script = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.package || '';
  const m = /\bvsce package\b(.*)$/.exec(script);
  if (!m)
    fail(
      `package.json's "package" script no longer runs \`vsce package\` (${script}): update buildVsix in scripts/e2e/run.js`,
    );
  const vsix = path.join(dir, 'rust-ffi-guard.vsix');
  const flags = m[1].trim().split(/\s+/).filter(Boolean);
  const out = flags.indexOf('--out');
  if (out >= 0) flags.splice(out, 2);
  const bundle =
    `require(${JSON.stringify(path.join(ROOT, 'scripts', 'bundle.js'))}).bundle({ outDir: ${JSON.stringify(path.join(stage, 'dist'))} })` +
    '.catch((e) => { console.error(e.message); process.exit(1); })';
  const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  for (const [what, cmd, args] of [
    ['scripts/bundle.js', process.execPath, ['-e', bundle]],
    ['vsce package', process.execPath, [vsce, 'package', ...flags, '--out', vsix]],
  ]) {
    const r = spawnSync(cmd, args, { cwd: stage, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) {
      process.stderr.write(r.stdout + r.stderr);
      fail(`building the .vsix: ${what} failed (exit ${r.status})`);
    }
  }
  log(`built rust-ffi-guard.vsix (${(fs.statSync(vsix).size / 1024).toFixed(0)} kB)`);
  return vsix;
}

/** The environment for code-server and chromium: their XDG folders (logs, heartbeat, crash reports) inside `dir`, not in ~. */
function isolatedEnv(dir) {
  const env = { ...process.env };
  for (const [name, sub] of [
    ['XDG_CONFIG_HOME', 'xdg-config'],
    ['XDG_DATA_HOME', 'xdg-data'],
    ['XDG_CACHE_HOME', 'xdg-cache'],
  ]) {
    env[name] = path.join(dir, sub);
    fs.mkdirSync(env[name], { recursive: true });
  }
  return env;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function get(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => req.destroy());
  });
}

async function startCodeServer(env, dir, vsix) {
  const userData = path.join(dir, 'user-data');
  const extensions = path.join(dir, 'extensions');
  const workspace = path.join(dir, 'ffi-demo');
  fs.cpSync(EXAMPLE, workspace, { recursive: true, filter: (src) => path.basename(src) !== 'target' });
  // Settings that keep the window quiet and stable for screenshots; nothing that touches the extension.
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'workbench.welcomePage.walkthroughs.openOnInstall': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'security.workspace.trust.enabled': false,
        'chat.commandCenter.enabled': false,
        'git.enabled': false,
        'editor.minimap.enabled': false,
        'editor.hover.delay': 300,
        'window.restoreWindows': 'none',
      },
      null,
      2,
    ),
  );
  // code-server's own config file, so that it neither reads nor writes ~/.config/code-server.
  const config = path.join(dir, 'code-server.yaml');
  fs.writeFileSync(config, 'auth: none\ncert: false\n');
  const common = [
    '--config',
    config,
    '--user-data-dir',
    userData,
    '--extensions-dir',
    extensions,
    '--disable-telemetry',
    '--disable-update-check',
  ];

  log('installing the .vsix into code-server');
  const inst = spawnSync('node', [env.codeServer, ...common, '--install-extension', vsix], {
    encoding: 'utf8',
    timeout: 120000,
    env: isolatedEnv(dir),
  });
  const installed =
    fs.existsSync(extensions) && fs.readdirSync(extensions).find((d) => d.startsWith(`${EXTENSION_ID}-`));
  if (inst.status !== 0 || !installed) {
    process.stderr.write(`${inst.stdout}\n${inst.stderr}\n`);
    fail(`code-server --install-extension did not install ${EXTENSION_ID} (exit ${inst.status})`);
  }
  log(`installed: ${installed}`);

  const port = await freePort();
  const logFile = path.join(dir, 'code-server.log');
  const out = fs.openSync(logFile, 'w');
  const args = [
    env.codeServer,
    ...common,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    workspace,
  ];
  // Its own process group, so that it and everything it starts (extension host, our language server) stop together.
  const child = spawn('node', args, { detached: true, stdio: ['ignore', out, out], env: isolatedEnv(dir) });
  fs.closeSync(out);
  cleanup.server = { child, logFile };
  let exited = null;
  child.on('exit', (code, signal) => (exited = signal || code));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60000;
  while ((await get(`${url}/healthz`)) !== 200) {
    if (exited !== null) fail(`code-server exited (${exited}) before serving: see ${logFile}\n${tail(logFile)}`);
    if (Date.now() > deadline)
      fail(`code-server did not answer on ${url} within 60 s: see ${logFile}\n${tail(logFile)}`);
    await sleep(250);
  }
  log(`code-server ${url} serving ${workspace}`);
  return { url: `${url}/?folder=${encodeURIComponent(workspace)}`, workspace };
}

function tail(file, lines = 30) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ----------------------------------------------------------------------------------------------------------
// Steps

async function shot(page, name) {
  shotNumber++;
  const file = path.join(SHOTS, `${String(shotNumber).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file });
  log(`  screenshot ${path.relative(ROOT, file)}`);
  return file;
}

async function step(name, fn) {
  const start = Date.now();
  log(`STEP ${name}`);
  try {
    const skipped = await fn();
    if (skipped) {
      results.push({ name, status: 'skipped', detail: skipped });
      log(`SKIPPED ${name} (${secs(start)}):\n    ${skipped.split('\n').join('\n    ')}`);
    } else {
      results.push({ name, status: 'passed' });
      log(`passed  ${name} (${secs(start)})`);
    }
    return true;
  } catch (e) {
    results.push({ name, status: 'failed', detail: e.message });
    if (currentPage) await shot(currentPage, 'FAILED').catch(() => {});
    log(`FAILED  ${name} (${secs(start)}): ${e instanceof StepFailure ? e.message : e.stack}`);
    return false;
  }
}

/** The text of the status bar's Problems item, e.g. "0 errors, 8 warnings". */
async function problemsCounts(page) {
  const item = page.locator('[id="status.problems"]').first();
  const label = (await item.getAttribute('aria-label').catch(() => null)) || (await item.innerText().catch(() => ''));
  return label.replace(/\s+/g, ' ').trim();
}

/** Where the editor shows line `n` of the open file, and what is drawn on it: its text, squiggles, bounds. */
async function editorLine(page, n) {
  return page.evaluate((n) => {
    const editor =
      document.querySelector('.editor-group-container.active .monaco-editor') ||
      document.querySelector('.monaco-editor');
    if (!editor) return null;
    const number = [...editor.querySelectorAll('.margin-view-overlays .line-numbers')].find(
      (e) => e.textContent.trim() === String(n),
    );
    if (!number) return null;
    const r = number.getBoundingClientRect();
    const mid = r.top + r.height / 2;
    const onLine = (e) => {
      const b = e.getBoundingClientRect();
      return b.height > 0 && b.top <= mid && b.bottom >= mid;
    };
    const line = [...editor.querySelectorAll('.view-lines .view-line')].find(onLine);
    if (!line) return null;
    // The characters of the line with their horizontal extents, to read the text under a squiggle.
    const chars = [];
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.data.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const b = range.getBoundingClientRect();
        chars.push({ ch: node.data[i], x: b.left + b.width / 2 });
      }
    }
    const squiggles = [...editor.querySelectorAll('.view-overlays [class*="squiggly-"]')].filter(onLine).map((e) => {
      const b = e.getBoundingClientRect();
      return {
        kind: /squiggly-(error|warning|info|hint)/.exec(e.className)?.[1] ?? e.className,
        left: b.left,
        right: b.right,
        top: b.top,
        bottom: b.bottom,
        text: chars
          .filter((c) => c.x >= b.left && c.x <= b.right)
          .map((c) => c.ch)
          .join(''),
      };
    });
    return { text: line.textContent.replace(/\u00a0/g, ' '), top: r.top, bottom: r.bottom, squiggles };
  }, n);
}

async function waitFor(what, timeoutMs, probe) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await probe();
    if (last && last.ok) return last;
    if (Date.now() > deadline)
      fail(`${what}: not seen within ${timeoutMs / 1000} s${last && last.why ? ` (${last.why})` : ''}`);
    await sleep(250);
  }
}

/** The 1-based line of the file that holds `needle`, and the 1-based column of `inner` in it. */
function lineOf(text, needle, inner) {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  if (i < 0) fail(`the example no longer contains ${JSON.stringify(needle)}: update scripts/e2e/run.js`);
  return { line: i + 1, column: lines[i].indexOf(inner, lines[i].indexOf(needle)) + 1, text: lines[i] };
}

async function visibleRows(page, selector) {
  return page
    .locator(selector)
    .evaluateAll((rows) =>
      rows.map((r) => (r.getAttribute('aria-label') || r.textContent || '').replace(/\s+/g, ' ').trim()),
    );
}

async function run(env) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ffi-guard-e2e-'));
  cleanup.dir = dir;
  const vsix = buildVsix(dir);
  const server = await startCodeServer(env, dir, vsix);
  const libRs = path.join(server.workspace, 'src', 'lib.rs');
  const original = fs.readFileSync(libRs, 'utf8');
  const target = lineOf(original, 'fn kv_get(', '&str');
  log(`target: src/lib.rs:${target.line}:${target.column} \`&str\` in ${target.text.trim()}`);

  log('starting headless chromium');
  const browser = await env.playwright.chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    env: isolatedEnv(dir),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  cleanup.browser = browser;
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  currentPage = page;
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  let ok = await step('open the workspace and src/lib.rs', async () => {
    await page.goto(server.url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    // The explorer shows the crate once the workbench has the folder.
    await page
      .locator('.explorer-folders-view .monaco-list-row[aria-label*="Cargo.toml"]')
      .first()
      .waitFor({ timeout: 60000 });
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
    await page.keyboard.type('src/lib.rs');
    await page.locator('.quick-input-list .monaco-list-row[aria-label*="lib.rs"]').first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active[aria-label*="lib.rs"]').waitFor();
    await page.locator('.editor-group-container.active .view-lines').filter({ hasText: 'extern' }).waitFor();
    await shot(page, 'lib-rs-opened');
  });

  ok =
    ok &&
    (await step('the finding in the Problems panel', async () => {
      // Diagnostics come once the extension has activated and its server has checked the crate.
      const counts = await waitFor('a warning in the status bar Problems item', 90000, async () => {
        const c = await problemsCounts(page);
        return { ok: /warnings?:? *[1-9]|[1-9]\d* warnings?/i.test(c), why: c || 'no status.problems item', counts: c };
      });
      log(`  status bar: ${counts.counts}`);
      await page.keyboard.press('Control+Shift+M');
      await page.locator('.markers-panel').waitFor({ state: 'visible' });
      // The list is virtualised: filter it to the function rather than hope the row is rendered.
      const filter = page
        .locator(
          '.markers-panel-container .viewpane-filter input, .panel .viewpane-filter input, input[placeholder^="Filter (e.g."]',
        )
        .first();
      await filter.fill('kv_get');
      // The filter applies after a moment: wait until the other functions' findings are gone from the list.
      // On a loaded machine the panel can still be settling when the text is typed and drop it: type it again.
      const filtered = await waitFor('the Problems panel filtered to kv_get', 30000, async () => {
        const value = await filter.inputValue().catch(() => '');
        if (value !== 'kv_get') await filter.fill('kv_get').catch(() => {});
        const rows = await visibleRows(page, '.markers-panel .monaco-list-row');
        const others = rows.filter((r) => /^(Warning|Error|Info)/.test(r) && !r.includes('kv_get'));
        return {
          ok: rows.some((r) => r.includes('kv_get')) && others.length === 0,
          why: `filter "${value}", ${others.length} other rows of ${rows.length}: ${rows.slice(0, 4).join(' | ')}`,
          rows,
        };
      });
      const rows = filtered.rows;
      const row = page.locator('.markers-panel .monaco-list-row').filter({ hasText: 'uses type `str`' }).first();
      await row.waitFor({ state: 'visible' });
      log(`  Problems rows for "kv_get":\n      ${rows.join('\n      ')}`);
      const text = (await row.innerText()).replace(/\s+/g, ' ');
      if (!/str-type/.test(text)) fail(`the Problems row does not name the rule str-type: ${text}`);
      if (!text.includes(`[Ln ${target.line}, Col ${target.column}]`))
        fail(`the Problems row is not at Ln ${target.line}, Col ${target.column}: ${text}`);
      // Our own status bar item counts the same findings.
      const ours = page
        .locator('.statusbar-item')
        .filter({ hasText: /FFI \d+/ })
        .first();
      log(`  Rust FFI Guard status bar item: ${(await ours.innerText()).trim()}`);
      await shot(page, 'problems-panel');
    }));

  ok =
    ok &&
    (await step('the squiggle under `&str`', async () => {
      // Opening the problem puts the cursor on it and scrolls it into view, as a person would.
      await page.locator('.markers-panel .monaco-list-row').filter({ hasText: 'uses type `str`' }).first().dblclick();
      // VS Code selects the finding's range, `&str`: four characters, with the cursor at its end.
      await page
        .locator('[id="status.editor.selection"]')
        .filter({ hasText: `Ln ${target.line}, Col ${target.column + 4} (4 selected)` })
        .waitFor();
      const line = await waitFor(`a squiggle on line ${target.line}`, 30000, async () => {
        const l = await editorLine(page, target.line);
        return {
          ok: !!l && l.squiggles.length > 0,
          why: l ? `line ${target.line} is "${l.text.trim()}" without squiggle` : 'line not rendered',
          ...l,
        };
      });
      if (!line.text.includes('key: &str')) fail(`line ${target.line} shows "${line.text}"`);
      const squiggle = line.squiggles.find((s) => s.text.trim() === '&str');
      if (!squiggle)
        fail(`no squiggle covers exactly \`&str\` on line ${target.line}: ${JSON.stringify(line.squiggles)}`);
      log(`  ${squiggle.kind} squiggle under "${squiggle.text}" on line ${target.line}: "${line.text.trim()}"`);
      // Drop the selection, which paints over the squiggle, by moving the cursor to the start of the line.
      if (await page.evaluate(() => !!document.activeElement?.closest('.monaco-editor')))
        await page.keyboard.press('Home');
      await shot(page, 'squiggle');
    }));

  ok =
    ok &&
    (await step('hover `&str` and read the explanation', async () => {
      const line = await editorLine(page, target.line);
      const s = line.squiggles.find((q) => q.text.trim() === '&str');
      await page.mouse.move(s.left - 40, s.top - 60);
      await page.mouse.move((s.left + s.right) / 2, (s.top + s.bottom) / 2 - 4, { steps: 5 });
      const hover = page.locator('.monaco-hover:visible').filter({ hasText: 'improper_ctypes_definitions' }).first();
      await hover.waitFor({ state: 'visible', timeout: 20000 });
      const text = (await hover.innerText()).trim();
      log(`  hover:\n      ${text.split('\n').filter(Boolean).join('\n      ')}`);
      for (const want of ['str-type', 'string slices have no C equivalent', 'fat pointer']) {
        if (!text.includes(want)) fail(`the hover does not say "${want}"`);
      }
      await shot(page, 'hover-explanation');
    }));

  const fixedOk =
    ok &&
    (await step('apply the quick fix from the light bulb', async () => {
      // Put the cursor inside `&str`, away from the hover, and see whether a light bulb comes.
      await page.keyboard.press('Escape');
      await page.mouse.move(5, 500);
      const line = await editorLine(page, target.line);
      const s = line.squiggles.find((q) => q.text.trim() === '&str');
      await page.mouse.click((s.left + s.right) / 2, (s.top + s.bottom) / 2);
      await page.keyboard.press('Escape');
      const bulb = page
        .locator(
          '.editor-group-container.active .lightBulbWidget:visible, .editor-group-container.active .codicon-light-bulb:visible, .editor-group-container.active [class*="codicon-lightbulb"]:visible',
        )
        .first();
      const menu = page.locator('.action-widget:visible').first();
      let how;
      if (
        await bulb.waitFor({ state: 'visible', timeout: 8000 }).then(
          () => true,
          () => false,
        )
      ) {
        how = 'the light bulb';
        await bulb.click();
      } else {
        // No light bulb: ask for the code actions explicitly to tell "none offered" from "not shown".
        how = 'Ctrl+. (no light bulb was shown)';
        await page.keyboard.press('Control+.');
      }
      const none = page
        .locator('.monaco-editor-overlaymessage:visible')
        .filter({ hasText: /no code actions/i })
        .first();
      const shown = await Promise.race([
        menu.waitFor({ state: 'visible', timeout: 10000 }).then(() => 'menu'),
        none.waitFor({ state: 'visible', timeout: 10000 }).then(() => 'none'),
      ]).catch(() => 'nothing');
      if (shown !== 'menu') {
        await shot(page, 'quick-fix-none-offered');
        await page.keyboard.press('Escape');
        return (
          `NOTICE: the server offers no code action for the str-type finding at src/lib.rs:${target.line}:${target.column} yet ` +
          `(asked with ${how}: ${shown === 'none' ? 'VS Code says "No code actions available"' : 'no menu appeared'}).\n` +
          'The quick-fix step was not run; it runs by itself once the server offers code actions (issue 4).'
        );
      }
      const items = await visibleRows(page, '.action-widget .monaco-list-row.action');
      log(`  code actions offered (via ${how}):\n      ${items.join('\n      ')}`);
      await shot(page, 'quick-fix-menu');
      // Ctrl+. then Enter applies the preferred fix; the documentation comes last (issue 15).
      if (NOT_A_FIX.test(items[0])) fail(`the first code action is not a fix: ${items[0]}`);
      if (!/^Show documentation for .str-type.$/.test(items[items.length - 1]))
        fail(`the last code action is not "Show documentation for \`str-type\`": ${items[items.length - 1]}`);
      const pick = process.env.FFI_GUARD_E2E_FIX ? new RegExp(process.env.FFI_GUARD_E2E_FIX, 'i') : null;
      const index = items.findIndex((t) => (pick ? pick.test(t) : !NOT_A_FIX.test(t)));
      if (index < 0) {
        await page.keyboard.press('Escape');
        return `NOTICE: code actions are offered (${items.join(' | ')}) but none of them fixes the type (all silence it); the quick-fix step was not run.`;
      }
      log(`  applying: ${items[index]}`);
      const before = await problemsCounts(page);
      // With the keyboard, as the menu invites ("Enter to Apply"): a click is caught by the menu's pointer
      // guard while it settles. Move the focus to the chosen action, then Enter.
      const actions = page.locator('.action-widget .monaco-list-row.action');
      for (let i = 0; i < 10; i++) {
        const focused = await actions.evaluateAll((rows) => rows.findIndex((r) => r.classList.contains('focused')));
        if (focused === index) break;
        await page.keyboard.press(focused < index ? 'ArrowDown' : 'ArrowUp');
      }
      const chosen = (await actions.nth(index).getAttribute('aria-label')) || '';
      if (!(await actions.nth(index).evaluate((r) => r.classList.contains('focused'))))
        fail(`could not focus "${items[index]}" in the menu`);
      const shownBefore = await page.locator('.editor-group-container.active .view-lines').innerText();
      await page.keyboard.press('Enter');
      await page.locator('.action-widget:visible').waitFor({ state: 'hidden' });
      log(`  applied: ${chosen}`);
      // The file changes in the editor…
      await waitFor('the editor to show the fixed text', 15000, async () => {
        const now = await page.locator('.editor-group-container.active .view-lines').innerText();
        return { ok: now !== shownBefore };
      });
      // …and on disk: VS Code saves the files a code action edits (files.refactoring.autoSave); if it has not,
      // save as a person would.
      await sleep(1000);
      if (await page.locator('.tabs-container .tab.active.dirty').count()) {
        log('  the file is unsaved after the fix: saving it (Ctrl+S)');
        await page.keyboard.press('Control+S');
      }
      const saved = await waitFor('the fixed file on disk', 15000, async () => {
        const now = fs.readFileSync(libRs, 'utf8');
        return { ok: now !== original, now };
      });
      log(`  src/lib.rs changed on disk:\n      ${unifiedDiff(original, saved.now).join('\n      ')}`);
      // …and the finding goes away: one problem fewer in the status bar, and the Problems list, unfiltered and
      // rendered (another function's finding is on it), no longer has kv_get's.
      const total = (label) => (label.match(/\d+/g) || []).reduce((n, d) => n + Number(d), 0);
      const after = await waitFor('the status bar to count one problem fewer', 30000, async () => {
        const label = await problemsCounts(page);
        return { ok: total(label) < total(before), why: `"${label}"`, label };
      });
      log(`  status bar Problems: before "${before}", after "${after.label}"`);
      await page.keyboard.press('Control+Shift+M');
      await page.locator('.markers-panel').waitFor({ state: 'visible' });
      await page
        .locator(
          '.markers-panel-container .viewpane-filter input, .panel .viewpane-filter input, input[placeholder^="Filter (e.g."]',
        )
        .first()
        .fill('');
      const listed = await waitFor('the Problems list without the str-type finding of kv_get', 30000, async () => {
        const rows = await visibleRows(page, '.markers-panel .monaco-list-row');
        const still = rows.filter((r) => r.includes('kv_get') && r.includes('uses type `str`'));
        const rendered = rows.some((r) => r.includes('kv_find'));
        return { ok: rendered && still.length === 0, why: rendered ? still.join(' | ') : 'list not rendered', rows };
      });
      log(`  Problems rows now:\n      ${listed.rows.map((r) => r.slice(0, 110)).join('\n      ')}`);
      const kvGet = saved.now.split('\n').findIndex((l) => /fn kv_get\(/.test(l)) + 1;
      const line2 = kvGet > 0 ? await editorLine(page, kvGet) : null;
      if (line2 && line2.squiggles.some((q) => q.text.trim() === '&str'))
        fail(`the squiggle under \`&str\` is still on line ${kvGet}`);
      if (line2)
        log(
          `  line ${kvGet} now: "${line2.text.trim()}" (squiggles: ${line2.squiggles.map((q) => `"${q.text}"`).join(', ') || 'none'})`,
        );
      await shot(page, 'quick-fix-applied');
    }));

  await step(`run "${REPORT_COMMAND}" from the command palette`, async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('>Rust FFI Guard');
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'Rust FFI Guard' }).first().waitFor();
    const commands = (await visibleRows(page, '.quick-input-list .monaco-list-row')).filter((r) =>
      r.includes('Rust FFI Guard'),
    );
    log(`  the palette lists:\n      ${commands.join('\n      ')}`);
    const has = commands.some((c) => c.startsWith(REPORT_COMMAND));
    if (!has) {
      await shot(page, 'command-palette-no-report');
      await page.keyboard.press('Escape');
      return `NOTICE: the command palette has no "${REPORT_COMMAND}" command yet (it lists: ${commands.join(' | ') || 'nothing'}); the report step was not run.`;
    }
    await input.fill(`>${REPORT_COMMAND}`);
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: REPORT_COMMAND }).first().waitFor();
    await shot(page, 'command-palette');
    await page.keyboard.press('Enter');
    // A webview: an iframe holding the report's own iframe.
    const report = page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
    const table = report.locator('table').first();
    await table.waitFor({ state: 'visible', timeout: 30000 });
    const rows = await table.locator('tr').count();
    const text = await table.innerText();
    log(`  report table: ${rows} rows; first lines:\n      ${text.split('\n').slice(0, 6).join('\n      ')}`);
    if (rows < 2) fail('the report table has no rows');
    const names = new Set(text.match(/\bkv_\w+/g) || []);
    if (names.size < 2) fail(`the report table does not list the example's exports (kv_…): ${text.slice(0, 300)}`);
    await shot(page, 'abi-report');
  });

  await step(`run "${RULE_DOCS_COMMAND}" for str-type: the rule's documentation in a panel, offline`, async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${RULE_DOCS_COMMAND}`);
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: RULE_DOCS_COMMAND }).first().waitFor();
    await page.keyboard.press('Enter');
    // It asks which rule.
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'str-type' }).first().waitFor();
    await input.fill('str-type');
    await page.keyboard.press('Enter');
    await page.locator('.tab').filter({ hasText: 'Rule: str-type' }).first().waitFor({ timeout: 30000 });
    const panel = page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
    const body = panel.locator('body');
    await waitFor('the rule page to show its sections', 30000, async () => {
      const text = await body.innerText().catch(() => '');
      return { ok: /Use instead/.test(text) && /str-type/.test(text), why: text.slice(0, 200) };
    });
    const code = await panel.locator('pre, code').count();
    log(`  the rule page renders ${code} code element(s)`);
    if (!code) fail('the rule page shows no code: the Markdown was not rendered');
    await shot(page, 'rule-docs');
  });

  await step(`run "${FIX_ALL_COMMAND}" from the command palette and confirm`, async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${FIX_ALL_COMMAND}`);
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: FIX_ALL_COMMAND }).first().waitFor();
    await page.keyboard.press('Enter');
    // The confirmation says how many fixes; its button applies them.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 60000 });
    const message = (await dialog.innerText()).replace(/\s+/g, ' ');
    log(`  confirmation: ${message.slice(0, 200)}`);
    await shot(page, 'fix-all-confirm');
    const apply = dialog
      .locator('a.monaco-button, button')
      .filter({ hasText: /^Apply \d+ Fix/ })
      .first();
    await apply.click();
    await dialog.waitFor({ state: 'hidden' });
    // Every finding on an exported function's signature goes; declarations of extern blocks stay (explained).
    const listed = await waitFor('the Problems list without findings on exported functions', 30000, async () => {
      const rows = await visibleRows(page, '.markers-panel .monaco-list-row');
      const onExports = rows.filter((r) => /`extern` fn `\w+` uses type/.test(r));
      return { ok: rows.length > 0 && onExports.length === 0, why: onExports.join(' | ') || 'list not rendered', rows };
    });
    log(`  Problems rows now:\n      ${listed.rows.map((r) => r.slice(0, 110)).join('\n      ')}`);
    await shot(page, 'fix-all-applied');
  });

  if (!fixedOk) log('(the quick-fix step failed or did not run)');
  if (consoleErrors.length)
    log(`page errors seen (not failures by themselves):\n    ${consoleErrors.slice(0, 5).join('\n    ')}`);
}

/** `diff -u` of two texts, without its header lines. */
function unifiedDiff(a, b) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ffi-guard-e2e-diff-'));
  try {
    fs.writeFileSync(path.join(dir, 'before'), a);
    fs.writeFileSync(path.join(dir, 'after'), b);
    const r = spawnSync('diff', ['-u', 'before', 'after'], { cwd: dir, encoding: 'utf8' });
    return (r.stdout || '').split('\n').slice(2).filter(Boolean);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ----------------------------------------------------------------------------------------------------------
// Cleanup

/** Processes whose command line names our temporary directory: started by this run, and only those. */
function ourProcesses(dir) {
  const pids = [];
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir)) pids.push(Number(p));
    } catch {
      // gone
    }
  }
  return pids;
}

async function stopAll(failed) {
  if (cleanup.browser) await cleanup.browser.close().catch(() => {});
  const s = cleanup.server;
  if (s && s.child.exitCode === null && s.child.signalCode === null) {
    try {
      process.kill(-s.child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    const deadline = Date.now() + 5000;
    while (s.child.exitCode === null && s.child.signalCode === null && Date.now() < deadline) await sleep(100);
    try {
      process.kill(-s.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (cleanup.dir) {
    await sleep(300);
    const left = ourProcesses(cleanup.dir);
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    if (left.length) log(`stopped ${left.length} leftover process(es) of this run: ${left.join(', ')}`);
    if (failed && s) log(`code-server's log (last lines of ${s.logFile}):\n${tail(s.logFile, 40)}`);
    if (failed || cleanup.keep) log(`kept ${cleanup.dir} (user data, extensions, workspace copy, code-server.log)`);
    else fs.rmSync(cleanup.dir, { recursive: true, force: true });
  }
}

/** The whole run, installs included, must stay well under CI's 10 minutes for it. */
const WATCHDOG_MS = 9 * 60 * 1000;

async function main() {
  const watchdog = setTimeout(() => {
    console.error(`\n[e2e] FAILED: still running after ${WATCHDOG_MS / 60000} minutes; stopping`);
    stopAll(true).finally(() => process.exit(1));
  }, WATCHDOG_MS);
  watchdog.unref();
  fs.rmSync(SHOTS, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  let fatal = null;
  try {
    const env = setup();
    log(`setup done`);
    await run(env);
  } catch (e) {
    fatal = e;
  }
  const failed = fatal !== null || results.some((r) => r.status === 'failed');
  await stopAll(failed);
  const n = (s) => results.filter((r) => r.status === s).length;
  console.log('');
  for (const r of results)
    console.log(
      `  ${r.status.toUpperCase().padEnd(7)} ${r.name}${r.status === 'passed' ? '' : `: ${r.detail.split('\n')[0]}`}`,
    );
  if (fatal)
    console.error(
      `\n[e2e] FAILED before the steps could finish: ${fatal instanceof StepFailure ? fatal.message : fatal.stack}`,
    );
  console.log(`\nscreenshots: ${path.relative(ROOT, SHOTS)}/ (${fs.readdirSync(SHOTS).length} PNG); total ${secs()}`);
  console.log(`e2e: ${n('passed')} passed, ${n('failed') + (fatal ? 1 : 0)} failed, ${n('skipped')} skipped`);
  process.exitCode = failed ? 1 : 0;
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    log(`${sig}: stopping`);
    stopAll(true).finally(() => process.exit(130));
  });
}

main();
