// Validates JUnit XML against test/report/junit-strict.xsd (what both common JUnit schemas accept) with
// libxml2 (compiled to WebAssembly, so no system tool is needed). Returns the validation errors, [] when valid.
import { readFileSync } from 'node:fs';
import { XmlDocument, XsdValidator } from 'libxml2-wasm';
import { repoPath } from '../support/repo.js';

const XSD = readFileSync(repoPath('test', 'report', 'junit-strict.xsd'));
let validator: XsdValidator | undefined;

export function junitSchemaErrors(xml: string): string[] {
  if (!validator) {
    const schema = XmlDocument.fromBuffer(XSD);
    validator = XsdValidator.fromDoc(schema);
  }
  const doc = XmlDocument.fromString(xml);
  try {
    validator.validate(doc);
    return [];
  } catch (error) {
    const details = (error as { details?: Array<{ message: string; line?: number }> }).details;
    return details?.map((d) => `line ${d.line ?? '?'}: ${d.message.trim()}`) ?? [String(error)];
  } finally {
    doc.dispose();
  }
}
