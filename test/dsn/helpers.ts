// Reports built in code for the DSN tests.

/** A one-recipient RFC 3464 report with the given Action, Status and Diagnostic-Code. */
export function report(action: string, status: string | null, diagnostic: string | null, diagnosticType = 'smtp', text = 'This is the mail system at host mx.example.net.'): string {
  return [
    'From: MAILER-DAEMON@mx.example.net',
    'Subject: Delivery Status Notification',
    'Message-ID: <dsn-q@mx.example.net>',
    'Content-Type: multipart/report; report-type=delivery-status; boundary=r',
    '',
    '--r',
    'Content-Type: text/plain',
    '',
    text,
    '--r',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.net',
    '',
    'Final-Recipient: rfc822; someone@example.org',
    `Action: ${action}`,
    ...(status ? [`Status: ${status}`] : []),
    ...(diagnostic !== null ? [`Diagnostic-Code: ${diagnosticType}; ${diagnostic}`] : []),
    '--r--',
    '',
  ].join('\r\n');
}
