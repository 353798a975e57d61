/**
 * ConfigMaps, Secrets and ServiceAccounts as upstream v1.32 validates them: config keys, the
 * 1 MiB size limit, immutability once `immutable: true`, the well-known Secret types, and a
 * Secret's type being immutable.
 *
 * Secret `stringData` is merged into `data` by defaulting (upstream merges it when converting the
 * request), so validation only sees `data`, base64-encoded as stored.
 */
import type { ValidationContext } from '../../../scheme.ts';
import type { ConfigMap, Secret, ServiceAccount } from '../config.ts';
import { Path, forbidden, invalid, required, tooLong } from '../../../validation/field-errors.ts';
import { fieldImmutableErrorMsg } from '../../../validation/generic.ts';
import { isConfigMapKey } from '../../../validation/names.ts';
import { utf8Length } from '../../../validation/go-format.ts';
import {
  type Errs,
  goJSONObjectError,
  map,
  metaUpdate,
  str,
  validateCoreObjectMeta,
} from './common.ts';

/** Upstream `MaxSecretSize`, also the ConfigMap limit. */
export const maxSecretSize = 1024 * 1024;

const dataPath = Path.root('data');
const binaryDataPath = Path.root('binaryData');
const immutablePath = Path.root('immutable');

/** Bytes a base64 value decodes to. */
export function base64DecodedLength(b64: string): number {
  let len = b64.length;
  while (len > 0 && b64.charCodeAt(len - 1) === 0x3d) len--;
  return Math.floor((len * 3) / 4);
}

/** The bytes of a base64 value, as Go's `[]byte` field holds them. */
function decodeBase64(b64: string): Uint8Array {
  return Buffer.from(b64, 'base64');
}

/** A new ConfigMap (upstream `ValidateConfigMap`). */
export function validateConfigMap(cm: ConfigMap, _ctx?: ValidationContext): Errs {
  const errs = validateCoreObjectMeta(cm.metadata, { namespaced: true, nameRule: 'subdomain' });
  const data = map(cm.data);
  const binary = map(cm.binaryData);
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    for (const m of isConfigMapKey(key)) errs.push(invalid(dataPath.key(key), key, m));
    if (Object.hasOwn(binary, key)) {
      errs.push(invalid(dataPath.key(key), key, 'duplicate of key present in binaryData'));
    }
    total += utf8Length(value);
  }
  for (const [key, value] of Object.entries(binary)) {
    for (const m of isConfigMapKey(key)) errs.push(invalid(binaryDataPath.key(key), key, m));
    total += base64DecodedLength(value);
  }
  if (total > maxSecretSize) errs.push(tooLong('', maxSecretSize));
  return errs;
}

function sameMap(
  a: Readonly<Record<string, string>> | undefined,
  b: Readonly<Record<string, string>> | undefined,
): boolean {
  // Go's reflect.DeepEqual: a nil map differs from an empty one.
  if (a === undefined || b === undefined) return a === b;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

const immutableMsg = 'field is immutable when `immutable` is set';

/** An update of a ConfigMap (upstream `ValidateConfigMapUpdate`). */
export function validateConfigMapUpdate(
  cm: ConfigMap,
  old: ConfigMap,
  _ctx?: ValidationContext,
): Errs {
  const errs = metaUpdate(cm.metadata, old.metadata, true);
  if (old.immutable === true) {
    if (cm.immutable !== true) errs.push(forbidden(immutablePath, immutableMsg));
    if (!sameMap(cm.data, old.data)) errs.push(forbidden(dataPath, immutableMsg));
    if (!sameMap(cm.binaryData, old.binaryData)) errs.push(forbidden(binaryDataPath, immutableMsg));
  }
  errs.push(...validateConfigMap(cm));
  return errs;
}

const redacted = '<secret contents redacted>';

/** A new Secret (upstream `ValidateSecret`), including the well-known types' required keys. */
export function validateSecret(secret: Secret, _ctx?: ValidationContext): Errs {
  const errs = validateCoreObjectMeta(secret.metadata, { namespaced: true, nameRule: 'subdomain' });
  const data = map(secret.data);
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    for (const m of isConfigMapKey(key)) errs.push(invalid(dataPath.key(key), key, m));
    total += base64DecodedLength(value);
  }
  if (total > maxSecretSize) errs.push(tooLong(dataPath, maxSecretSize));
  const has = (k: string): boolean => Object.hasOwn(data, k);
  switch (str(secret.type)) {
    case 'kubernetes.io/service-account-token': {
      const name = secret.metadata?.annotations?.['kubernetes.io/service-account.name'];
      if (!name) {
        errs.push(
          required(Path.root('metadata', 'annotations').key('kubernetes.io/service-account.name')),
        );
      }
      break;
    }
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const key = secret.type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      const value = data[key];
      if (value === undefined) {
        errs.push(required(dataPath.key(key)));
        break;
      }
      const err = goJSONObjectError(decodeBase64(value));
      if (err) errs.push(invalid(dataPath.key(key), redacted, err));
      break;
    }
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) {
        errs.push(required(dataPath.key('username')));
        errs.push(required(dataPath.key('password')));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (base64DecodedLength(data['ssh-privatekey'] ?? '') === 0)
        errs.push(required(dataPath.key('ssh-privatekey')));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(required(dataPath.key('tls.crt')));
      if (!has('tls.key')) errs.push(required(dataPath.key('tls.key')));
      break;
  }
  return errs;
}

/** An update of a Secret (upstream `ValidateSecretUpdate`): type immutable, data frozen once immutable. */
export function validateSecretUpdate(secret: Secret, old: Secret, _ctx?: ValidationContext): Errs {
  const errs = metaUpdate(secret.metadata, old.metadata, true);
  const type = str(secret.type);
  if (type !== str(old.type)) errs.push(invalid(Path.root('type'), type, fieldImmutableErrorMsg));
  if (old.immutable === true) {
    if (secret.immutable !== true) errs.push(forbidden(immutablePath, immutableMsg));
    if (!sameMap(secret.data, old.data)) errs.push(forbidden(dataPath, immutableMsg));
  }
  errs.push(...validateSecret(secret));
  return errs;
}

/** A new ServiceAccount (upstream `ValidateServiceAccount`): metadata only. */
export function validateServiceAccount(sa: ServiceAccount, _ctx?: ValidationContext): Errs {
  return validateCoreObjectMeta(sa.metadata, { namespaced: true, nameRule: 'subdomain' });
}

/** An update of a ServiceAccount. */
export function validateServiceAccountUpdate(
  sa: ServiceAccount,
  old: ServiceAccount,
  _ctx?: ValidationContext,
): Errs {
  const errs = metaUpdate(sa.metadata, old.metadata, true);
  errs.push(...validateServiceAccount(sa));
  return errs;
}
