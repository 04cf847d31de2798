/**
 * The IANA "Simple Mail Transfer Protocol (SMTP) Enhanced Status Codes" registry as data
 * (RFC 3463, RFC 5248 and the RFCs that registered codes since, through RFC 8689).
 * Titles are the registry's; descriptions are Rebound's own short wording of the RFC text.
 * `basic` lists the basic reply codes the registry associates with the code, where it names any.
 */

export interface ClassMeaning {
  digit: 2 | 4 | 5;
  title: string;
  description: string;
  reference: string;
}

export interface SubjectMeaning {
  digit: number;
  title: string;
  description: string;
  reference: string;
}

export interface DetailMeaning {
  /** "X.3.2": the subject and detail, valid with any class the registry allows. */
  code: string;
  title: string;
  description: string;
  /** Basic reply codes the registry pairs with it (empty when it names none). */
  basic: number[];
  reference: string;
}

export const CLASS_MEANINGS: readonly ClassMeaning[] = [
  {
    digit: 2, title: 'Success', reference: 'RFC 3463',
    description: 'The message was delivered or the step succeeded; the detail may note a transformation made on the way.',
  },
  {
    digit: 4, title: 'Persistent Transient Failure', reference: 'RFC 3463',
    description: 'The message as sent is valid, but some temporary condition stopped or delayed it. Sending again later may succeed (soft bounce).',
  },
  {
    digit: 5, title: 'Permanent Failure', reference: 'RFC 3463',
    description: 'Sending the same message again in the same form will not succeed; something must change first (hard bounce, or a problem the sender must fix).',
  },
];

export const SUBJECT_MEANINGS: readonly SubjectMeaning[] = [
  { digit: 0, title: 'Other or Undefined Status', reference: 'RFC 3463', description: 'No more specific subject applies.' },
  { digit: 1, title: 'Addressing Status', reference: 'RFC 3463', description: 'A problem with the sender or recipient address (mailbox or domain part).' },
  { digit: 2, title: 'Mailbox Status', reference: 'RFC 3463', description: 'The recipient mailbox exists but its state is the problem: full, disabled, over a size limit.' },
  { digit: 3, title: 'Mail System Status', reference: 'RFC 3463', description: 'The receiving mail system itself: storage, load, maintenance, capabilities, configuration.' },
  { digit: 4, title: 'Network and Routing Status', reference: 'RFC 3463', description: 'Getting to the destination: DNS, routes, connections, loops, delivery time.' },
  { digit: 5, title: 'Mail Delivery Protocol Status', reference: 'RFC 3463', description: 'The SMTP conversation itself: commands, syntax, too many recipients.' },
  { digit: 6, title: 'Message Content or Media Status', reference: 'RFC 3463', description: 'The message content: media types, conversions, encodings, internationalized addresses.' },
  { digit: 7, title: 'Security or Policy Status', reference: 'RFC 3463', description: 'Security and policy: authorization, authentication (SPF, DKIM, DMARC), encryption, reputation.' },
];

const d = (code: string, title: string, description: string, basic: number[], reference = 'RFC 3463'): DetailMeaning =>
  ({ code, title, description, basic, reference });

export const DETAIL_MEANINGS: readonly DetailMeaning[] = [
  d('X.0.0', 'Other undefined Status', 'Nothing more specific is known; the text of the reply is the only guide.', [250, 421, 451, 500, 501, 502, 503, 504, 550, 552, 554, 555]),

  d('X.1.0', 'Other address status', 'Something about the address is wrong, but not one of the specific cases.', [451, 550, 553]),
  d('X.1.1', 'Bad destination mailbox address', 'The mailbox named by the recipient address does not exist at the destination.', [451, 550]),
  d('X.1.2', 'Bad destination system address', 'The destination system named by the recipient address does not exist or cannot accept mail.', [550]),
  d('X.1.3', 'Bad destination mailbox address syntax', 'The recipient address is syntactically invalid.', [501]),
  d('X.1.4', 'Destination mailbox address ambiguous', 'The recipient address matches more than one mailbox.', [550]),
  d('X.1.5', 'Destination address valid', 'The recipient address is valid (used with success).', [250]),
  d('X.1.6', 'Destination mailbox has moved, No forwarding address', 'The mailbox once existed but has moved and no forwarding address is known.', [551]),
  d('X.1.7', "Bad sender's mailbox address syntax", 'The sender address is syntactically invalid.', [501]),
  d('X.1.8', "Bad sender's system address", 'The sender address names a system that does not exist or cannot accept replies.', [451, 501]),
  d('X.1.9', 'Message relayed to non-compliant mailer', 'The message was relayed to a mailer that does not support DSNs or confirmation.', [250], 'RFC 3886'),
  d('X.1.10', 'Recipient address has null MX', 'The recipient domain publishes a null MX: it accepts no mail at all.', [556], 'RFC 7505'),

  d('X.2.0', 'Other or undefined mailbox status', 'The mailbox exists, but something about it prevents delivery.', [450, 452]),
  d('X.2.1', 'Mailbox disabled, not accepting messages', 'The mailbox exists but is disabled or not accepting mail, for now or for good.', [450, 550]),
  d('X.2.2', 'Mailbox full', "The recipient's mailbox is over its storage quota.", [452, 552]),
  d('X.2.3', 'Message length exceeds administrative limit', "The message is larger than the recipient mailbox's per-message limit.", [552]),
  d('X.2.4', 'Mailing list expansion problem', 'The recipient is a mailing list and expanding it failed.', [450, 452]),

  d('X.3.0', 'Other or undefined mail system status', 'The destination mail system has a problem not covered by a specific code.', [221, 250, 421, 451, 550, 554]),
  d('X.3.1', 'Mail system full', 'The destination mail system has run out of storage (not one mailbox: the whole system).', [452]),
  d('X.3.2', 'System not accepting network messages', 'The destination system is not accepting network messages for now: maintenance, overload, restart.', [453, 521]),
  d('X.3.3', 'System not capable of selected features', 'The message needs a feature the destination system does not support.', []),
  d('X.3.4', 'Message too big for system', 'The message is larger than the destination system accepts.', [552, 554]),
  d('X.3.5', 'System incorrectly configured', 'The destination system is misconfigured and cannot deliver.', []),
  d('X.3.6', 'Requested priority was changed', 'The message was accepted, but at a different priority than requested.', [250], 'RFC 6710'),

  d('X.4.0', 'Other or undefined network or routing status', 'A network or routing problem not covered by a specific code.', [420]),
  d('X.4.1', 'No answer from host', 'The destination host did not answer (connection refused or timed out).', [451]),
  d('X.4.2', 'Bad connection', 'The connection was made but broke or could not carry the transaction.', [421]),
  d('X.4.3', 'Directory server failure', 'A directory service (DNS or similar) needed for routing failed.', [451, 550]),
  d('X.4.4', 'Unable to route', 'No route to the destination could be found (for example no MX or A record).', []),
  d('X.4.5', 'Mail system congestion', 'The mail system is congested: too many messages or connections for now.', [451]),
  d('X.4.6', 'Routing loop detected', 'The message was forwarded in a loop (too many hops).', []),
  d('X.4.7', 'Delivery time expired', 'The message stayed undelivered for longer than the queue allows.', []),

  d('X.5.0', 'Other or undefined protocol status', 'An SMTP protocol problem not covered by a specific code.', [220, 250, 251, 252, 221, 421, 451, 500, 501, 502, 503, 504, 550, 552, 554]),
  d('X.5.1', 'Invalid command', 'The command is not recognized or not allowed here.', [430, 500, 503, 530, 550, 555]),
  d('X.5.2', 'Syntax error', 'The command could not be parsed.', [500, 501, 502, 550, 555]),
  d('X.5.3', 'Too many recipients', 'More recipients than the server accepts in one transaction; send the rest in another.', [451]),
  d('X.5.4', 'Invalid command arguments', 'The command is valid but its arguments are not.', [451, 501, 503, 504, 550, 555]),
  d('X.5.5', 'Wrong protocol version', 'The protocol version negotiated cannot carry this message.', []),
  d('X.5.6', 'Authentication Exchange line is too long', 'An AUTH exchange line exceeded the server limit.', [500], 'RFC 4954'),

  d('X.6.0', 'Other or undefined media error', 'A content problem not covered by a specific code.', []),
  d('X.6.1', 'Media not supported', 'The message uses a media type the destination does not support.', []),
  d('X.6.2', 'Conversion required and prohibited', 'The content must be converted to be delivered, but conversion is not allowed.', []),
  d('X.6.3', 'Conversion required but not supported', 'The content must be converted to be delivered, but no conversion is available.', [554]),
  d('X.6.4', 'Conversion with loss performed', 'The content was converted, losing some information (used with success).', [250]),
  d('X.6.5', 'Conversion Failed', 'A required conversion of the content failed.', []),
  d('X.6.6', 'Message content not available', 'Content referenced by the message (BURL) could not be fetched.', [554], 'RFC 4468'),
  d('X.6.7', 'Non-ASCII addresses not permitted for that sender/recipient', 'An internationalized (UTF-8) address was used where it is not allowed.', [550, 553], 'RFC 6531'),
  d('X.6.8', 'UTF-8 string reply is required, but not permitted by the SMTP client', 'The server must reply in UTF-8 but the client did not allow it.', [252, 550, 553], 'RFC 6531'),
  d('X.6.9', 'UTF-8 header message cannot be transferred to one or more recipients, so the message must be rejected', 'An internationalized message cannot reach a recipient whose server lacks SMTPUTF8.', [550], 'RFC 6531'),
  d('X.6.10', 'UTF-8 string reply is required, but not permitted by the SMTP client', 'Registered as a duplicate of X.6.8.', [], 'RFC 6531'),

  d('X.7.0', 'Other or undefined security status', 'A security or policy problem not covered by a specific code.', [220, 235, 450, 454, 500, 501, 503, 504, 530, 535, 550]),
  d('X.7.1', 'Delivery not authorized, message refused', 'The sender is not allowed to send to this recipient: policy, block lists, relaying, reputation. The reply text says which.', [451, 454, 502, 503, 533, 550, 551]),
  d('X.7.2', 'Mailing list expansion prohibited', 'The sender may not send to this mailing list.', [550]),
  d('X.7.3', 'Security conversion required but not possible', 'A security conversion (for example to an encrypted form) is needed but not possible.', []),
  d('X.7.4', 'Security features not supported', 'The message needs security features the destination does not support.', [504]),
  d('X.7.5', 'Cryptographic failure', 'A cryptographic operation (decryption, signature check) failed.', []),
  d('X.7.6', 'Cryptographic algorithm not supported', 'The message uses a cryptographic algorithm the destination does not support.', []),
  d('X.7.7', 'Message integrity failure', 'The message was changed in transit (integrity check failed).', []),
  d('X.7.8', 'Authentication credentials invalid', 'SMTP AUTH failed: the credentials are wrong.', [535, 554], 'RFC 4954'),
  d('X.7.9', 'Authentication mechanism is too weak', 'The chosen SMTP AUTH mechanism is weaker than the server requires.', [534], 'RFC 4954'),
  d('X.7.10', 'Encryption Needed', 'The server requires an encrypted connection for this.', [523], 'RFC 5248'),
  d('X.7.11', 'Encryption required for requested authentication mechanism', 'This AUTH mechanism may only be used over TLS.', [538], 'RFC 4954'),
  d('X.7.12', 'A password transition is needed', 'The account must change its password before authenticating this way.', [432], 'RFC 4954'),
  d('X.7.13', 'User Account Disabled', 'The account has been disabled or suspended.', [525], 'RFC 5248'),
  d('X.7.14', 'Trust relationship required', 'The sending host must have a trust relationship with the receiver.', [535, 554], 'RFC 5248'),
  d('X.7.15', 'Priority Level is too low', 'The message priority is too low to be accepted now.', [450, 550], 'RFC 6710'),
  d('X.7.16', 'Message is too big for the specified priority', 'Messages of this size are not accepted at the requested priority.', [552], 'RFC 6710'),
  d('X.7.17', 'Mailbox owner has changed', 'The mailbox has changed owners since the sender last knew it (RRVS).', [550], 'RFC 7293'),
  d('X.7.18', 'Domain owner has changed', 'The domain has changed owners since the sender last knew it (RRVS).', [550], 'RFC 7293'),
  d('X.7.19', 'RRVS test cannot be completed', 'The Require-Recipient-Valid-Since check could not be done.', [550], 'RFC 7293'),
  d('X.7.20', 'No passing DKIM signature found', 'The message carries no DKIM signature that verifies.', [550], 'RFC 7372'),
  d('X.7.21', 'No acceptable DKIM signature found', 'DKIM signatures verified, but none met local policy (domain, algorithm, key).', [550], 'RFC 7372'),
  d('X.7.22', 'No valid author-matched DKIM signature found', 'No verifying DKIM signature matches the From domain.', [550], 'RFC 7372'),
  d('X.7.23', 'SPF validation failed', 'The sending host is not authorized by the sender domain\'s SPF record.', [550], 'RFC 7372'),
  d('X.7.24', 'SPF validation error', 'Evaluating the SPF record failed (temporary or permanent error).', [451, 550], 'RFC 7372'),
  d('X.7.25', 'Reverse DNS validation failed', 'The sending IP address has no valid reverse DNS (PTR) that matches forward.', [550], 'RFC 7372'),
  d('X.7.26', 'Multiple authentication checks failed', 'More than one authentication check (SPF, DKIM, DMARC) failed.', [550], 'RFC 7372'),
  d('X.7.27', 'Sender address has null MX', 'The sender domain publishes a null MX, so no bounce could be returned to it.', [550], 'RFC 7505'),
  d('X.7.28', 'Mail flood detected', 'The receiver saw an unusual volume of similar mail (a flood) and refused it.', [450, 550], 'IANA registry'),
  d('X.7.29', 'ARC validation failure', 'The message\'s ARC chain failed validation.', [550], 'RFC 8617'),
  d('X.7.30', 'REQUIRETLS support required', 'The message requires TLS all the way, and the next hop cannot provide it.', [550], 'RFC 8689'),
];
