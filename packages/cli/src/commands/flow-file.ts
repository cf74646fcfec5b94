import { readFile } from 'node:fs/promises';
import type { FlowDocument } from '@prolope/rules';
import { parse } from 'yaml';
import { CliError } from '../errors.js';

/**
 * A JSON or YAML file's content (YAML is a superset of JSON, so one parser reads both).
 *
 * @example
 * ```ts
 * const cases = await readDataFile('cases.yaml', 'test cases');
 * ```
 */
export async function readDataFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError('invalid_data', `Cannot read the ${what} file ${path}: ${(err as Error).message}`);
  }
  try {
    return parse(text);
  } catch (err) {
    throw new CliError('invalid_data', `The ${what} file ${path} is neither JSON nor YAML: ${(err as Error).message}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Reads a flow document and checks its outline (a `start` and named nodes, each with a `type`), enough
 * for the linter and the runner to walk it; the fields of each node are theirs to judge.
 *
 * @example
 * ```ts
 * const flow = await readFlowFile('flow.json');
 * ```
 */
export async function readFlowFile(path: string): Promise<FlowDocument> {
  const doc = await readDataFile(path, 'flow');
  if (!isRecord(doc) || typeof doc.start !== 'string' || !isRecord(doc.nodes)) {
    throw new CliError('invalid_data', `${path} is not a flow document: it needs "start" (a node name) and "nodes" (an object of named nodes).`);
  }
  for (const [id, node] of Object.entries(doc.nodes)) {
    if (!isRecord(node) || typeof node.type !== 'string') throw new CliError('invalid_data', `${path}: node ${id} is not an object with a "type".`);
  }
  return doc as unknown as FlowDocument;
}
