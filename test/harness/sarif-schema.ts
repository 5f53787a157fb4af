import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { REPO } from './cli';

/** The SARIF 2.1.0 schema, as a validator: what `check --format sarif` and a shard's SARIF must satisfy. */

const SCHEMA = path.join(REPO, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');

/**
 * The official schema is draft-04. Its `language` pattern (`…[a-zA-Z]{2}]?$`) has a stray `]`, which
 * JavaScript accepts only outside unicode mode; `strict: false` because it uses keywords Ajv's strict
 * mode does not know.
 */
let validator: ReturnType<Ajv['compile']> | null = null;
export function sarifValidator(): ReturnType<Ajv['compile']> {
  if (validator) return validator;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  validator = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, 'utf8')) as object);
  return validator;
}
