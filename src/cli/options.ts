// Reading a command's own options as commander hands them over (`Record<string, unknown>`), one way for all.
import type { FailOn } from '../model/policy.js';

/** The option's value when it is a string (a flag given a value), else undefined. */
export function stringOption(options: Record<string, unknown>, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}

/** A repeatable option (`--plugin a --plugin b`) as its string values; a single value as a list of one. */
export function stringListOption(options: Record<string, unknown>, name: string): string[] {
  const value = options[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** --fail-on warn|fail (default fail). */
export function failOnOption(options: Record<string, unknown>): FailOn {
  return options.failOn === 'warn' ? 'warn' : 'fail';
}
