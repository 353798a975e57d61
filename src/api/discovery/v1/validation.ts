/**
 * Validation of discovery.k8s.io/v1 EndpointSlice as upstream v1.32 does it
 * (`pkg/apis/discovery/validation`): an address type of IPv4, IPv6 or FQDN (immutable), at most
 * 1000 endpoints of 1 to 100 addresses valid for that type (IPs neither unspecified, loopback nor
 * link-local), DNS-label hostnames, DNS-subdomain node names, zone hints, and at most 20000 ports
 * with unique DNS-label names, a protocol of TCP, UDP or SCTP and a qualified-name appProtocol.
 *
 * `deprecatedTopology` is not checked: upstream's strategy drops it from every write through v1.
 */
import type { FieldErrorList } from '../../validation/field-errors.ts';
import {
  Path,
  duplicate,
  invalid,
  notSupported,
  required,
  tooMany,
} from '../../validation/field-errors.ts';
import { maybe } from '../../apps/v1/validation-helpers.ts';
import { validateNonSpecialIP } from '../../core/v1/index.ts';
import { isValidIPv4Address, isValidIPv6Address } from '../../validation/ip.ts';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
} from '../../validation/names.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/object-meta.ts';
import type { DiscoveryEndpoint, DiscoveryEndpointPort, EndpointSlice } from './endpoint-slice.ts';

const metadataPath = Path.root('metadata');
const addressTypePath = Path.root('addressType');
const endpointsPath = Path.root('endpoints');
const portsPath = Path.root('ports');

const supportedAddressTypes = ['FQDN', 'IPv4', 'IPv6'];
const supportedProtocols = ['SCTP', 'TCP', 'UDP'];
const maxAddresses = 100;
const maxPorts = 20000;
const maxEndpoints = 1000;
const maxZoneHints = 8;

const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** Core's finalizer-name rule, which its `ValidateObjectMeta` adds to the generic one. */
function finalizerNameErrors(slice: EndpointSlice): FieldErrorList {
  const errs: FieldErrorList = [];
  (slice.metadata?.finalizers ?? []).forEach((f, i) => {
    if (!f.includes('/') && !standardFinalizers.has(f)) {
      errs.push(
        invalid(
          metadataPath.child('finalizers').index(i),
          f,
          'name is neither a standard finalizer name nor is it fully qualified',
        ),
      );
    }
  });
  return errs;
}

/** Upstream `IsFullyQualifiedDomainName`. */
function validateFQDN(address: string, path: Path): FieldErrorList {
  if (address.length === 0) return [required(path, '')];
  const name = address.endsWith('.') ? address.slice(0, -1) : address;
  const subdomainErrs = isDNS1123Subdomain(name);
  if (subdomainErrs.length > 0) return [invalid(path, name, subdomainErrs.join(','))];
  const labels = name.split('.');
  if (labels.length < 2) {
    return [invalid(path, name, 'should be a domain with at least two segments separated by dots')];
  }
  for (const label of labels) {
    const errs = isDNS1123Label(label);
    if (errs.length > 0) return [invalid(path, label, errs.join(','))];
  }
  return [];
}

function validateAddress(addressType: string, address: string, path: Path): FieldErrorList {
  switch (addressType) {
    case 'IPv4':
      return [...isValidIPv4Address(path, address), ...validateNonSpecialIP(address, path)];
    case 'IPv6':
      return [...isValidIPv6Address(path, address), ...validateNonSpecialIP(address, path)];
    case 'FQDN':
      return validateFQDN(address, path);
    default:
      return [];
  }
}

function validateEndpoint(ep: DiscoveryEndpoint, addressType: string, path: Path): FieldErrorList {
  const errs: FieldErrorList = [];
  const addressesPath = path.child('addresses');
  const addresses = maybe(ep.addresses) ?? [];
  if (addresses.length === 0) {
    errs.push(required(addressesPath, 'must contain at least 1 address'));
  } else if (addresses.length > maxAddresses) {
    errs.push(tooMany(addressesPath, addresses.length, maxAddresses));
  }
  addresses.forEach((a, i) =>
    errs.push(...validateAddress(addressType, a, addressesPath.index(i))),
  );
  if (typeof ep.nodeName === 'string') {
    const nodeName = ep.nodeName;
    for (const m of isDNS1123Subdomain(nodeName))
      errs.push(invalid(path.child('nodeName'), nodeName, m));
  }
  if (typeof ep.hostname === 'string') {
    const hostname = ep.hostname;
    for (const m of isDNS1123Label(hostname))
      errs.push(invalid(path.child('hostname'), hostname, m));
  }
  if (ep.hints) {
    const zonesPath = path.child('hints', 'forZones');
    const zones = ep.hints.forZones ?? [];
    if (zones.length > maxZoneHints) {
      errs.push(tooMany(zonesPath, zones.length, maxZoneHints));
    } else {
      const seen = new Set<string>();
      zones.forEach((z, i) => {
        const zp = zonesPath.index(i).child('name');
        const name = typeof z.name === 'string' ? z.name : '';
        if (seen.has(name)) errs.push(duplicate(zp, name));
        else seen.add(name);
        for (const m of isValidLabelValue(name)) errs.push(invalid(zp, name, m));
      });
    }
  }
  return errs;
}

function validatePort(port: DiscoveryEndpointPort, path: Path, names: Set<string>): FieldErrorList {
  const errs: FieldErrorList = [];
  const name = typeof port.name === 'string' ? port.name : '';
  if (name.length > 0) {
    for (const m of isDNS1123Label(name)) errs.push(invalid(path.child('name'), name, m));
  }
  if (names.has(name)) errs.push(duplicate(path.child('name'), name));
  else names.add(name);
  const protocol: string | undefined =
    typeof port.protocol === 'string' ? port.protocol : undefined;
  if (protocol === undefined) {
    errs.push(required(path.child('protocol'), ''));
  } else if (!supportedProtocols.includes(protocol)) {
    errs.push(notSupported(path.child('protocol'), protocol, supportedProtocols));
  }
  if (typeof port.appProtocol === 'string') {
    const appProtocol = port.appProtocol;
    for (const m of isQualifiedName(appProtocol)) {
      errs.push(invalid(path.child('appProtocol'), appProtocol, m));
    }
  }
  return errs;
}

/** Upstream `ValidateEndpointSlice`. */
function validateEndpointSliceFields(slice: EndpointSlice): FieldErrorList {
  const errs: FieldErrorList = [];
  const addressType: string = typeof slice.addressType === 'string' ? slice.addressType : '';
  if (addressType === '') errs.push(required(addressTypePath, ''));
  else if (!supportedAddressTypes.includes(addressType)) {
    errs.push(notSupported(addressTypePath, addressType, supportedAddressTypes));
  }
  const endpoints = maybe(slice.endpoints) ?? [];
  if (endpoints.length > maxEndpoints) {
    errs.push(tooMany(endpointsPath, endpoints.length, maxEndpoints));
  } else {
    endpoints.forEach((ep, i) =>
      errs.push(...validateEndpoint(ep, addressType, endpointsPath.index(i))),
    );
  }
  const ports = slice.ports ?? [];
  if (ports.length > maxPorts) {
    errs.push(tooMany(portsPath, ports.length, maxPorts));
  } else {
    const names = new Set<string>();
    ports.forEach((p, i) => errs.push(...validatePort(p, portsPath.index(i), names)));
  }
  return errs;
}

/** A new EndpointSlice (upstream `ValidateEndpointSliceCreate`). */
export function validateEndpointSlice(slice: EndpointSlice): FieldErrorList {
  const errs = validateObjectMeta(slice.metadata, { namespaced: true, nameRule: 'subdomain' });
  errs.push(...finalizerNameErrors(slice));
  errs.push(...validateEndpointSliceFields(slice));
  return errs;
}

/**
 * An update of an EndpointSlice: the registry's metadata checks, then upstream
 * `ValidateEndpointSliceUpdate` (valid as a new one, and the address type unchanged).
 */
export function validateEndpointSliceUpdate(
  slice: EndpointSlice,
  old: EndpointSlice,
): FieldErrorList {
  const errs = validateObjectMeta(slice.metadata, { namespaced: true, nameRule: 'path-segment' });
  errs.push(
    ...validateObjectMetaUpdate(slice.metadata, old.metadata, { allowUnconditionalUpdate: true }),
  );
  errs.push(...validateEndpointSlice(slice));
  const addressType: string = typeof slice.addressType === 'string' ? slice.addressType : '';
  const oldType: string = typeof old.addressType === 'string' ? old.addressType : '';
  if (addressType !== oldType)
    errs.push(invalid(addressTypePath, addressType, 'field is immutable'));
  return errs;
}
