import { describe, expect, it } from 'vitest';
import { explainTlsFailure } from './tls-failure.js';

describe('explainTlsFailure', () => {
  // Texts as grpc-js reports them (`details`), taken from real failures on Node 20.
  it.each([
    {
      details: 'No connection established. Last error: Error: self-signed certificate in certificate chain. Resolution note: ',
      expected: 'the server’s certificate is not from this cluster’s CA (another cluster, or a stale ca.crt)',
    },
    {
      details:
        'No connection established. Last error: 80CC054EDA7F0000:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 116',
      expected: 'the server requires a client certificate of its cluster',
    },
    {
      details: 'Error: the server presents a certificate of this cluster for a node ("fedcba9876543210"), not the scheduler\'s.',
      expected: "the server holds a certificate of this cluster, but not the scheduler's",
    },
    { details: 'SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca', expected: expect.stringContaining('does not accept the client certificate') },
    { details: 'Error: certificate has expired', expected: 'the server’s certificate has expired' },
    { details: 'ssl3_get_record:wrong version number', expected: 'the server does not speak TLS' },
    { details: 'No connection established. Last error: Failed to connect (2026-11-23T06:16:25.375Z).', expected: undefined },
  ])('$details', ({ details, expected }) => {
    expect(explainTlsFailure(details)).toEqual(expected);
  });
});
