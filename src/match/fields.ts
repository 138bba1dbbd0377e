/**
 * What a log field means, by its name: Elastic Common Schema (ECS), Zeek
 * (JSON and TSV logs) and Suricata EVE names. A value is classified by the
 * meaning of its field first and by its shape only when the field is unknown
 * or the value does not fit the field's meaning.
 */

/** Field semantics (small integers: they are compared on the hot path). */
export const Sem = {
  /** Unknown field: classify the value by shape. */
  NONE: 0,
  /** Known to hold nothing to match (timestamps, user agents, enumerations). */
  SKIP: 1,
  IP: 2,
  SRC_IP: 3,
  DST_IP: 4,
  DOMAIN: 5,
  URL: 6,
  /** A host (optionally with port) to combine with a URL_PATH of the same record. */
  URL_HOST: 7,
  /** A path and query to combine with a URL_HOST of the same record. */
  URL_PATH: 8,
  MD5: 9,
  SHA1: 10,
  SHA256: 11,
  SHA512: 12,
  /** A hash of any algorithm (known by its length). */
  HASH: 13,
  EMAIL: 14,
  EMAIL_FROM: 15,
  EMAIL_TO: 16,
  /** Free text: indicator-shaped tokens are extracted from it. */
  TEXT: 17,
  SRC_PORT: 18,
  DST_PORT: 19,
  PROTO: 20,
  /** An X.509 distinguished name (`CN=evil.example, O=…`): its common names are classified by shape. */
  DN: 21,
} as const;
export type SemCode = (typeof Sem)[keyof typeof Sem];

/** A node of the field-name tree: the meaning of a value at this path, and the names below it. */
export interface FieldNode {
  sem: SemCode;
  children: Map<string, FieldNode> | undefined;
}

const HASHES: [string, SemCode][] = [['md5', Sem.MD5], ['sha1', Sem.SHA1], ['sha256', Sem.SHA256], ['sha512', Sem.SHA512]];
const hashFields = (prefix: string): [string, SemCode][] => HASHES.map(([k, s]) => [`${prefix}.${k}`, s]);

/** Every known field path (dotted; array elements take the array's path) and its meaning. */
export const KNOWN_FIELDS: readonly [string, SemCode][] = [
  // ECS (elastic.co/guide/en/ecs/current/ecs-field-reference.html)
  ['source.ip', Sem.SRC_IP], ['destination.ip', Sem.DST_IP], ['client.ip', Sem.SRC_IP], ['server.ip', Sem.DST_IP],
  ['source.port', Sem.SRC_PORT], ['destination.port', Sem.DST_PORT], ['client.port', Sem.SRC_PORT], ['server.port', Sem.DST_PORT],
  ['source.nat.ip', Sem.IP], ['destination.nat.ip', Sem.IP], ['host.ip', Sem.IP], ['observer.ip', Sem.IP], ['related.ip', Sem.IP],
  ['source.domain', Sem.DOMAIN], ['destination.domain', Sem.DOMAIN], ['client.domain', Sem.DOMAIN], ['server.domain', Sem.DOMAIN],
  ['url.full', Sem.URL], ['url.original', Sem.URL], ['url.domain', Sem.URL_HOST], ['http.request.referrer', Sem.URL],
  ['dns.question.name', Sem.DOMAIN], ['dns.resolved_ip', Sem.IP], ['tls.client.server_name', Sem.DOMAIN], ['related.hosts', Sem.DOMAIN],
  ['related.hash', Sem.HASH], ['network.transport', Sem.PROTO],
  ...hashFields('file.hash'), ...hashFields('process.hash'), ...hashFields('dll.hash'), ...hashFields('email.attachments.file.hash'),
  ['email.from.address', Sem.EMAIL_FROM], ['email.sender.address', Sem.EMAIL_FROM], ['email.to.address', Sem.EMAIL_TO],
  ['email.cc.address', Sem.EMAIL_TO], ['email.bcc.address', Sem.EMAIL_TO], ['email.reply_to.address', Sem.EMAIL],
  ['message', Sem.TEXT], ['event.original', Sem.TEXT],
  ['@timestamp', Sem.SKIP], ['user_agent.original', Sem.SKIP], ['ecs.version', Sem.SKIP], ['event.kind', Sem.SKIP], ['event.dataset', Sem.SKIP],
  // Zeek (docs.zeek.org, "Log Files": conn, dns, http, ssl, files, smtp, x509)
  ['id.orig_h', Sem.SRC_IP], ['id.resp_h', Sem.DST_IP], ['id.orig_p', Sem.SRC_PORT], ['id.resp_p', Sem.DST_PORT], ['proto', Sem.PROTO],
  ['query', Sem.DOMAIN], ['host', Sem.URL_HOST], ['uri', Sem.URL_PATH], ['referrer', Sem.URL], ['server_name', Sem.DOMAIN],
  ['md5', Sem.MD5], ['sha1', Sem.SHA1], ['sha256', Sem.SHA256], ['sha512', Sem.SHA512],
  ['mailfrom', Sem.EMAIL_FROM], ['rcptto', Sem.EMAIL_TO], ['from', Sem.EMAIL_FROM], ['to', Sem.EMAIL_TO], ['cc', Sem.EMAIL_TO], ['reply_to', Sem.EMAIL],
  ['tx_hosts', Sem.IP], ['rx_hosts', Sem.IP], ['san.dns', Sem.DOMAIN], ['san.ip', Sem.IP], ['certificate.subject', Sem.DN],
  ['ts', Sem.SKIP], ['uid', Sem.SKIP], ['user_agent', Sem.SKIP], ['fuid', Sem.SKIP],
  // Suricata EVE (docs.suricata.io, "Eve JSON Format")
  ['src_ip', Sem.SRC_IP], ['dest_ip', Sem.DST_IP], ['src_port', Sem.SRC_PORT], ['dest_port', Sem.DST_PORT],
  ['dns.rrname', Sem.DOMAIN], ['dns.queries.rrname', Sem.DOMAIN], ['dns.answers.rrname', Sem.DOMAIN],
  ['dns.grouped.A', Sem.IP], ['dns.grouped.AAAA', Sem.IP], ['dns.grouped.CNAME', Sem.DOMAIN],
  ['http.hostname', Sem.URL_HOST], ['http.url', Sem.URL_PATH], ['http.http_refer', Sem.URL],
  ['tls.sni', Sem.DOMAIN], ['tls.subject', Sem.DN], ['tls.issuerdn', Sem.SKIP], ['quic.sni', Sem.DOMAIN],
  ...hashFields('fileinfo'),
  ['smtp.mail_from', Sem.EMAIL_FROM], ['smtp.rcpt_to', Sem.EMAIL_TO], ['email.from', Sem.EMAIL_FROM], ['email.to', Sem.EMAIL_TO], ['email.cc', Sem.EMAIL_TO],
  ['timestamp', Sem.SKIP], ['event_type', Sem.SKIP], ['in_iface', Sem.SKIP], ['flow_id', Sem.SKIP], ['app_proto', Sem.SKIP],
  ['http.http_user_agent', Sem.SKIP], ['http.http_content_type', Sem.SKIP], ['http.http_method', Sem.SKIP], ['http.protocol', Sem.SKIP],
  ['tls.version', Sem.SKIP], ['tls.fingerprint', Sem.SKIP], ['tls.serial', Sem.SKIP], ['tls.notbefore', Sem.SKIP], ['tls.notafter', Sem.SKIP],
  ['fileinfo.magic', Sem.SKIP], ['fileinfo.state', Sem.SKIP],
  // Common flat names (CSV headers, firewall and proxy exports)
  ['ip', Sem.IP], ['src', Sem.SRC_IP], ['dst', Sem.DST_IP], ['srcip', Sem.SRC_IP], ['dstip', Sem.DST_IP], ['dst_ip', Sem.DST_IP],
  ['domain', Sem.DOMAIN], ['fqdn', Sem.DOMAIN], ['sni', Sem.DOMAIN], ['url', Sem.URL], ['hash', Sem.HASH],
  ['email', Sem.EMAIL], ['sender', Sem.EMAIL_FROM], ['recipient', Sem.EMAIL_TO],
];

function buildTree(): FieldNode {
  const root: FieldNode = { sem: Sem.NONE, children: new Map() };
  for (const [path, sem] of KNOWN_FIELDS) {
    let node = root;
    for (const part of path.split('.')) {
      node.children ??= new Map();
      let next = node.children.get(part);
      if (!next) {
        next = { sem: Sem.NONE, children: undefined };
        node.children.set(part, next);
      }
      node = next;
    }
    node.sem = sem;
  }
  return root;
}

/** The tree of KNOWN_FIELDS. */
export const FIELD_TREE: FieldNode = buildTree();

/**
 * The node for `key` below `node`: the key itself, or, for flattened names
 * such as ECS's `"source.ip"` or Zeek's `"id.orig_h"`, its dotted parts.
 */
export function childNode(node: FieldNode, key: string): FieldNode | undefined {
  const direct = node.children?.get(key);
  if (direct !== undefined || key.indexOf('.') < 0) return direct;
  let n: FieldNode | undefined = node;
  for (const part of key.split('.')) {
    n = n.children?.get(part);
    if (!n) return undefined;
  }
  return n;
}

/** The meaning of a flat field name (a CSV header or a Zeek TSV field): exact, then case-insensitive. */
export function semOfName(name: string): SemCode {
  const n = childNode(FIELD_TREE, name) ?? childNode(FIELD_TREE, name.trim().toLowerCase());
  return n?.sem ?? Sem.NONE;
}
