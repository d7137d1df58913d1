import { CONTROL_RESULT_V1_TYPE, ControlResultEventV1 } from '../events/control-result.v1';

/** A valid `io.vigil.control.result.v1` event; override any attribute or data member. */
export function aControlResultEvent(
  overrides: Partial<Record<keyof ControlResultEventV1, unknown>> & Record<string, unknown> = {},
  dataOverrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: 'c0a8e0f2-6f1e-4a52-9a53-0b1f6f0f3b7e',
    source: '//ci.acme.dev/checks/mfa',
    type: CONTROL_RESULT_V1_TYPE,
    time: '2026-11-29T10:02:11Z',
    subject: 'payments-api',
    datacontenttype: 'application/json',
    data: {
      controlId: 'mfa-enforced',
      outcome: 'pass',
      evidence: {
        uri: 's3://evidence/mfa/2026-11-29.json',
        sha256: '9f86d0',
        summary: '42/42 users have MFA',
      },
      test: { id: 'aws-iam-mfa-check', version: '1.4.2' },
      details: { checked: 42 },
      ...dataOverrides,
    },
    ...overrides,
  };
}

/** UTF-8 size of the event as `JSON.stringify` writes it. */
export function jsonByteLength(event: unknown): number {
  return Buffer.byteLength(JSON.stringify(event), 'utf8');
}
