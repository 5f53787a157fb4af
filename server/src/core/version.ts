// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../../../../package.json') as { version: string };

/** The version of the tool, as in package.json. */
export const TOOL_VERSION: string = pkg.version;
