// The verdict and the risk levels: shared by the assessment document and the comparison of two assessments.
import { z } from 'zod';

export const VerdictSchema = z.enum(['GO', 'NO-GO', 'INCOMPLETE']);
export type Verdict = z.infer<typeof VerdictSchema>;

export const RiskSchema = z.enum(['low', 'medium', 'high', 'very high']);
export type Risk = z.infer<typeof RiskSchema>;
