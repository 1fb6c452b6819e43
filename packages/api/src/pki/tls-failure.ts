/**
 * What a failed TLS connection to or from berth means, in berth's words. grpc-js reports only
 * OpenSSL's text ("self-signed certificate in certificate chain"), which does not tell an
 * operator that the two sides belong to different clusters.
 */

const EXPLANATIONS: readonly [RegExp, string][] = [
  [/not the scheduler's/, "the server holds a certificate of this cluster, but not the scheduler's"],
  [/alert certificate required/i, 'the server requires a client certificate of its cluster'],
  [/alert certificate expired/i, 'the server refused the client certificate: it has expired'],
  [
    /alert (unknown ca|bad certificate|certificate unknown|decrypt error)/i,
    'the server does not accept the client certificate (it was not issued by the server’s cluster CA)',
  ],
  [
    /self[- ]signed certificate|unable to (verify the first|get local issuer|get issuer) certificate|certificate signature failure/i,
    'the server’s certificate is not from this cluster’s CA (another cluster, or a stale ca.crt)',
  ],
  [/certificate has expired/i, 'the server’s certificate has expired'],
  [/certificate is not yet valid/i, 'the server’s certificate is not valid yet (are the clocks in step?)'],
  [/wrong version number|packet length too long|http request|unexpected eof while reading/i, 'the server does not speak TLS'],
];

/** A plain-words reason for a TLS failure from its error text (e.g. a grpc-js `details`); undefined when it is not one berth knows. */
export function explainTlsFailure(details: string): string | undefined {
  return EXPLANATIONS.find(([pattern]) => pattern.test(details))?.[1];
}
