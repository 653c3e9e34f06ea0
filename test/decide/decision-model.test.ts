import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { buildAssessment } from '../../src/decide/build-assessment.js';
import { DecisionModelSchema, DEFAULT_MODEL, resolveModel } from '../../src/decide/decision-model.js';
import { seedLikeParts } from './inputs.js';
import { repoPath } from '../support/repo.js';

describe('decision model table', () => {
  it('the defaults satisfy their own schema', () => {
    assert.deepEqual(DecisionModelSchema.parse(DEFAULT_MODEL), DEFAULT_MODEL);
  });

  it('applies a partial override and keeps every other row', () => {
    const model = resolveModel({ optionA: { perStep: { hoursMax: 4 } }, thresholds: { longTermDays: 90 } });
    assert.deepEqual(model.optionA.perStep, { hoursMin: 2, hoursMax: 4, successDelta: -1 });
    assert.equal(model.thresholds.longTermDays, 90);
    assert.deepEqual(model.optionC, DEFAULT_MODEL.optionC);
    assert.equal(DEFAULT_MODEL.optionA.perStep.hoursMax, 2.5, 'the defaults are not mutated');
  });

  it('names the field of a bad value, an unknown row and a range that no longer holds after merging', () => {
    const issuePath = (input: unknown) => {
      try {
        resolveModel(input);
      } catch (error) {
        assert.ok(error instanceof z.ZodError);
        return { path: error.issues[0]!.path.join('.'), message: error.issues[0]!.message };
      }
      assert.fail('expected a ZodError');
    };
    assert.equal(issuePath({ optionA: { perStep: { hoursMax: 'four' } } }).path, 'optionA.perStep.hoursMax');
    const unknown = issuePath({ optionA: { perStepp: { hoursMax: 4 } } });
    assert.equal(unknown.path, 'optionA');
    assert.match(unknown.message, /perStepp/);
    assert.equal(issuePath({ optionC: { install: { hoursMin: 20 } } }).path, 'optionC.install.hoursMin');
    assert.equal(issuePath({ risk: { lowFrom: 10 } }).path, 'risk.lowFrom');
  });

  it('every factor of an assessment names a row of the table, and the totals are the sums of the factors', () => {
    const assessment = buildAssessment(seedLikeParts());
    for (const key of ['A', 'C'] as const) {
      const option = assessment.options[key];
      for (const factor of option.factors) {
        const [section, row] = factor.id.split('.');
        assert.ok(
          section && row && row in (DEFAULT_MODEL as unknown as Record<string, object>)[section]!,
          factor.id,
        );
      }
      const sum = (pick: (f: (typeof option.factors)[number]) => number) =>
        option.factors.reduce((acc, f) => acc + pick(f), 0);
      assert.equal(option.hoursMin, Math.round(sum((f) => f.hoursMin)));
      assert.equal(option.hoursMax, Math.round(sum((f) => f.hoursMax)));
      assert.equal(
        option.successMin,
        Math.max(0, Math.round(option.baseSuccessMin + sum((f) => f.successDelta))),
      );
    }
  });

  it('an override changes the result through the row it names', () => {
    const base = buildAssessment(seedLikeParts());
    const tuned = buildAssessment(
      seedLikeParts({ model: resolveModel({ optionA: { perStep: { hoursMin: 3, hoursMax: 3 } } }) }),
    );
    const steps = base.version.steps.length;
    assert.equal(
      tuned.options.A.hoursMin - base.options.A.hoursMin,
      steps * (3 - DEFAULT_MODEL.optionA.perStep.hoursMin),
    );
    assert.deepEqual(tuned.options.C, base.options.C);
  });
});

describe('the README documents the table as it is', () => {
  const readme = readFileSync(repoPath('README.md'), 'utf8');
  const rows = new Map<string, { hours: string; success: string }>();
  for (const match of readme.matchAll(/^\| `(option[AC]\.\w+)` \|([^|]*)\|([^|]*)\|/gm)) {
    rows.set(match[1]!, { hours: match[2]!.trim(), success: match[3]!.trim() });
  }
  const hours = (min: number, max: number) => (min === 0 && max === 0 ? '0' : `${min}–${max} h`);
  const pp = (delta: number) => (delta === 0 ? '0' : `${delta < 0 ? '−' : '+'}${Math.abs(delta)} pp`);

  it('every row of DEFAULT_MODEL is in the README with its numbers', () => {
    for (const section of ['optionA', 'optionC'] as const) {
      for (const [name, value] of Object.entries(DEFAULT_MODEL[section])) {
        const documented = rows.get(`${section}.${name}`);
        assert.ok(documented, `${section}.${name} missing from the README`);
        if ('min' in value) {
          assert.equal(documented.success, `${value.min}–${value.max} %`, `${section}.${name}`);
        } else {
          assert.equal(documented.hours, hours(value.hoursMin, value.hoursMax), `${section}.${name} hours`);
          assert.equal(documented.success, pp(value.successDelta), `${section}.${name} success`);
        }
      }
    }
    assert.equal(
      rows.size,
      Object.keys(DEFAULT_MODEL.optionA).length + Object.keys(DEFAULT_MODEL.optionC).length,
    );
  });
});
