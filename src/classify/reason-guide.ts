import type { Reason } from './types.ts';

/**
 * What each reason means to a sender: the category the seed's "Category: Technical" line names,
 * the usual causes, and what to do. `rebound explain`, the HTTP API and the dashboard show these.
 * The 4.3.2 entry (notaccept) follows the seed page closely; the others are written the same way.
 */
export type ReasonCategory = 'Technical' | 'Address' | 'Mailbox' | 'Reputation' | 'Authentication' | 'Content' | 'Policy' | 'Volume' | 'Not a bounce' | 'Unknown';

export interface ReasonGuide {
  category: ReasonCategory;
  summary: string;
  causes: string[];
  whatToDo: string[];
}

export const REASON_GUIDE: Readonly<Record<Reason, ReasonGuide>> = {
  notaccept: {
    category: 'Technical',
    summary: 'The receiving server is not accepting mail (temporarily with a 4xx code; for good with a null MX or a 5xx "does not accept mail").',
    causes: ['Server maintenance', 'Network issues at the receiver', 'System overload', 'Mail service restart', 'Firewall rules temporarily blocking connections', 'DNS problems at the receiver', 'Rate limiting', 'Security measures', 'Hardware problems', 'Configuration changes being applied'],
    whatToDo: ['Retry on the schedule with spaced-out attempts; do not hammer the server', 'Track which servers have availability issues and how long they last', 'After the last retry, mark the address unavailable for a while rather than suppressing it', 'Reach urgent recipients through another channel', 'Segment the affected recipients; if many fail at once, adjust the sending schedule'],
  },
  systemfull: {
    category: 'Technical',
    summary: 'The receiving mail system is out of storage or resources.',
    causes: ['Disk full on the receiving server', 'Resource exhaustion under load'],
    whatToDo: ['Retry later with backoff', 'Watch whether the same server keeps failing'],
  },
  systemerror: {
    category: 'Technical',
    summary: 'The receiving system failed while processing the message.',
    causes: ['Temporary local problem or lookup failure at the receiver', 'Misconfiguration of the receiving server'],
    whatToDo: ['Retry later with backoff', 'If it persists for days, contact the recipient\'s postmaster'],
  },
  mailererror: {
    category: 'Technical',
    summary: 'The program delivering into the mailbox (procmail, a pipe) failed.',
    causes: ['A local delivery command exited with an error'],
    whatToDo: ['Nothing on the sender side; the recipient\'s administrator must fix delivery'],
  },
  networkerror: {
    category: 'Technical',
    summary: 'No SMTP conversation could be completed: connection refused or timed out, DNS failure, TLS failure, or a mail loop.',
    causes: ['The receiving server is down or unreachable', 'Firewall or network problems between sender and receiver', 'DNS resolution problems', 'TLS handshake or certificate failure', 'A forwarding loop'],
    whatToDo: ['Retry with backoff; the address is not at fault', 'Check your own outbound network and DNS if many destinations fail at once'],
  },
  expired: {
    category: 'Technical',
    summary: 'The message stayed undeliverable for longer than the queue allows.',
    causes: ['The receiving server was unreachable or deferring for days'],
    whatToDo: ['Send again later if it still matters', 'Do not suppress the address for this alone'],
  },
  toomanyconn: {
    category: 'Volume',
    summary: 'The receiver limits how many connections one sender may open.',
    causes: ['Too many parallel connections from your IP', 'Connection rate limits'],
    whatToDo: ['Lower concurrency to this destination and retry later'],
  },
  speeding: {
    category: 'Volume',
    summary: 'The receiver is rate limiting you (or the recipient is receiving too fast).',
    causes: ['Sending volume or rate above what the receiver accepts from you', 'A sudden spike from a new IP or domain', 'The recipient mailbox receiving mail too quickly'],
    whatToDo: ['Slow down to this destination and retry with backoff', 'Warm up new IPs and domains gradually'],
  },
  userunknown: {
    category: 'Address',
    summary: 'The mailbox does not exist.',
    causes: ['Typo in the address', 'The account was deleted', 'The list has stale or invented addresses'],
    whatToDo: ['Suppress the address (after retries, if the code was 4xx)', 'Fix the address at the source if it was a typo'],
  },
  hostunknown: {
    category: 'Address',
    summary: 'The recipient domain does not exist or has no mail servers.',
    causes: ['Typo in the domain', 'The domain expired or has no MX/A records'],
    whatToDo: ['Suppress the address', 'Check the domain for typos (gmial.com)'],
  },
  hasmoved: {
    category: 'Address',
    summary: 'The mailbox has moved and the old address no longer works.',
    causes: ['The person changed address; the server may name the new one'],
    whatToDo: ['Suppress the old address; update it if the reply names the new one'],
  },
  mailboxfull: {
    category: 'Mailbox',
    summary: 'The recipient\'s mailbox is over quota.',
    causes: ['An abandoned or neglected mailbox', 'A temporarily full mailbox'],
    whatToDo: ['Retry later; if it stays full for weeks, treat the address as inactive'],
  },
  suspend: {
    category: 'Mailbox',
    summary: 'The mailbox exists but is disabled or suspended.',
    causes: ['The account was disabled by its provider or owner', 'Inactivity'],
    whatToDo: ['Stop sending for a while; an address that stays disabled is effectively dead'],
  },
  exceedlimit: {
    category: 'Content',
    summary: 'The message is larger than the recipient mailbox accepts.',
    causes: ['Large attachments'],
    whatToDo: ['Send a smaller message (link to files instead of attaching them)'],
  },
  mesgtoobig: {
    category: 'Content',
    summary: 'The message is larger than the receiving system accepts.',
    causes: ['Large attachments or embedded images'],
    whatToDo: ['Send a smaller message (link to files instead of attaching them)'],
  },
  contenterror: {
    category: 'Content',
    summary: 'The message content or encoding was refused.',
    causes: ['Malformed MIME, lines too long, bad encodings'],
    whatToDo: ['Fix how the message is built; check it with a linter'],
  },
  notcompliantrfc: {
    category: 'Content',
    summary: 'The message does not follow the message format standard (RFC 5322).',
    causes: ['Missing or duplicate headers (From, Date, Message-ID)', 'Bare line feeds'],
    whatToDo: ['Fix the message headers and line endings'],
  },
  spamdetected: {
    category: 'Content',
    summary: 'The receiver judged the message to be spam.',
    causes: ['Spam-like content or links', 'Poor list quality', 'Missing authentication'],
    whatToDo: ['Review content and links', 'Send only to people who asked for your mail', 'Authenticate with SPF, DKIM and DMARC'],
  },
  virusdetected: {
    category: 'Content',
    summary: 'The receiver found malware or a dangerous attachment.',
    causes: ['An infected attachment', 'A link to a known-bad site'],
    whatToDo: ['Scan your content and remove the attachment or link'],
  },
  securityerror: {
    category: 'Authentication',
    summary: 'A security requirement was not met: SMTP authentication, TLS, or a refused attachment type.',
    causes: ['Wrong SMTP credentials', 'TLS required but not used', 'Delivery not authorized by the receiver'],
    whatToDo: ['Check credentials and TLS settings', 'Read the reply text for the exact requirement'],
  },
  authfailure: {
    category: 'Authentication',
    summary: 'The message failed sender authentication (SPF, DKIM or DMARC).',
    causes: ['The sending IP is not in the SPF record', 'Missing or broken DKIM signature', 'DMARC alignment failure'],
    whatToDo: ['Publish correct SPF, DKIM and DMARC records for the sending domain', 'Align the From domain with the DKIM or SPF domain'],
  },
  requireptr: {
    category: 'Authentication',
    summary: 'The sending IP has no valid reverse DNS.',
    causes: ['No PTR record for the sending IP', 'PTR and forward DNS do not match'],
    whatToDo: ['Set a PTR record that resolves back to the sending IP'],
  },
  blocked: {
    category: 'Reputation',
    summary: 'The receiver refused the sending IP or domain (block list, policy, greylisting).',
    causes: ['The sending IP or domain is on a block list', 'Dynamic or residential IP', 'Greylisting of a first attempt (temporary)'],
    whatToDo: ['Check block lists and request delisting', 'Send through a reputable relay', 'Greylisting passes by itself on retry'],
  },
  badreputation: {
    category: 'Reputation',
    summary: 'The receiver rejects you for poor sender reputation.',
    causes: ['Complaints', 'Spam trap hits', 'Sudden volume from a new sender'],
    whatToDo: ['Clean the list, reduce volume, and improve engagement before sending more'],
  },
  norelaying: {
    category: 'Policy',
    summary: 'The server refused to relay: it does not handle mail for that domain from you.',
    causes: ['Sending to the wrong server (stale MX, misrouted smarthost)', 'Not authenticated to the relay'],
    whatToDo: ['Check routing and relay authentication'],
  },
  rejected: {
    category: 'Policy',
    summary: 'The sender (envelope) address was refused.',
    causes: ['The sender domain does not resolve', 'The sender address is on a deny list', 'Sender verification failed'],
    whatToDo: ['Use a sender address whose domain resolves and accepts mail'],
  },
  policyviolation: {
    category: 'Policy',
    summary: 'The message broke a policy of the receiving organization.',
    causes: ['Local rules on content, forwarding or senders'],
    whatToDo: ['Read the reply text; contact the recipient through another channel if needed'],
  },
  filtered: {
    category: 'Policy',
    summary: 'A filter at the receiver refused the message for this recipient.',
    causes: ['The recipient or their administrator filters your mail'],
    whatToDo: ['Do not resend unchanged; ask the recipient to allow your mail'],
  },
  syntaxerror: {
    category: 'Technical',
    summary: 'The receiver refused a command of the SMTP conversation.',
    causes: ['A bug or misconfiguration in the sending software', 'Too many recipients in one transaction'],
    whatToDo: ['Check the sending software and its SMTP settings'],
  },
  delivered: {
    category: 'Not a bounce',
    summary: 'The message was accepted.',
    causes: [],
    whatToDo: ['Nothing'],
  },
  vacation: {
    category: 'Not a bounce',
    summary: 'An automatic reply (out of office), not a delivery failure.',
    causes: [],
    whatToDo: ['Nothing'],
  },
  feedback: {
    category: 'Not a bounce',
    summary: 'A complaint (feedback loop report), not a delivery failure.',
    causes: ['The recipient marked your message as spam'],
    whatToDo: ['Stop sending to this recipient'],
  },
  onhold: {
    category: 'Unknown',
    summary: 'A failure whose reason the reply does not say.',
    causes: ['A generic code (5.0.0, 550, 554) with no telling text'],
    whatToDo: ['Read the full reply; retry if transient, otherwise watch whether it repeats'],
  },
  undefined: {
    category: 'Unknown',
    summary: 'Nothing in the input identifies an outcome.',
    causes: [],
    whatToDo: ['Look at the raw reply or bounce'],
  },
};
