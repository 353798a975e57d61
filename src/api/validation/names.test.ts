import { describe, it, expect } from 'vitest';
import {
  isCIdentifier,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isHTTPHeaderName,
  isInRange,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidGroupID,
  isValidLabelValue,
  isValidPathSegmentName,
  isValidPercent,
  isValidPortName,
  isValidPortNum,
  isValidUserID,
  isWildcardDNS1123Subdomain,
  maxLenError,
  regexError,
} from './names.ts';

const subdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const dns1035Msg =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const qnameMsg =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const labelValueMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('message builders', () => {
  it('regexError with and without examples', () => {
    expect(regexError('m', 're')).toBe("m (regex used for validation is 're')");
    expect(regexError('m', 're', 'a')).toBe("m (e.g. 'a', regex used for validation is 're')");
    expect(regexError('m', 're', 'a', 'b')).toBe(
      "m (e.g. 'a',  or 'b', regex used for validation is 're')",
    );
  });
  it('maxLenError', () => {
    expect(maxLenError(63)).toBe('must be no more than 63 characters');
  });
});

describe('isDNS1123Subdomain', () => {
  it.each([
    'a',
    'ab',
    'abc',
    'a1',
    'a-1',
    'a--1--2--b',
    '0',
    '01',
    '0-0',
    'a.a',
    'a.1',
    '1.a',
    'a-1.a-1',
    'example.com',
    'a'.repeat(253),
    ('a'.repeat(63) + '.').repeat(3) + 'a',
  ])('valid %s', (v) => {
    expect(isDNS1123Subdomain(v)).toEqual([]);
  });
  it.each([
    '',
    'A',
    'ABC',
    'aBc',
    'A1',
    'A-1',
    '1-A',
    '-',
    'a-',
    '-a',
    '1-',
    '-1',
    '_',
    'a_',
    '_a',
    'a_b',
    '1_',
    '_1',
    '1_2',
    '.',
    'a.',
    '.a',
    'a..b',
    '1.',
    '.1',
    '1..2',
    ' ',
    'a ',
    ' a',
    'a b',
    '1 ',
    ' 1',
    '1 2',
    'A.a',
    'aB.a',
    'ab.A',
    'A1.a',
    'a1.A',
    'A.1',
    'aB.1',
    'A1.1',
    '1A.1',
    '0.A',
    '01.A',
    '012.A',
    '1A.a',
    '1a.A',
    'a.B.c.d.e',
    'aa.bB.cc',
    'a@b',
    'a,b',
    'a!b',
    'a_b',
    'a\u00e9',
  ])('invalid %j', (v) => {
    expect(isDNS1123Subdomain(v)).toEqual([subdomainMsg]);
  });
  it('reports length and pattern separately', () => {
    expect(isDNS1123Subdomain('a'.repeat(254))).toEqual([maxLenError(253)]);
    expect(isDNS1123Subdomain('A'.repeat(254))).toEqual([maxLenError(253), subdomainMsg]);
  });
  it('measures length in UTF-8 bytes', () => {
    expect(isDNS1123Subdomain('\u00e9'.repeat(127))).toEqual([maxLenError(253), subdomainMsg]);
  });
});

describe('isDNS1123Label', () => {
  it.each(['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '0-0', '1-0', 'a'.repeat(63)])(
    'valid %s',
    (v) => {
      expect(isDNS1123Label(v)).toEqual([]);
    },
  );
  it.each(['', 'A', 'ABC', 'aBc', '-', 'a-', '-a', '_', 'a_b', ' ', 'a b', 'a@b', 'é'])(
    'invalid %j',
    (v) => {
      expect(isDNS1123Label(v)).toEqual([labelMsg]);
    },
  );
  it('says "must not contain dots" for a valid subdomain', () => {
    expect(isDNS1123Label('a.b')).toEqual(['must not contain dots']);
    expect(isDNS1123Label('.')).toEqual([labelMsg]);
  });
  it('reports length', () => {
    expect(isDNS1123Label('a'.repeat(64))).toEqual([maxLenError(63)]);
  });
});

describe('isDNS1035Label', () => {
  it.each(['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', 'a'.repeat(63)])('valid %s', (v) => {
    expect(isDNS1035Label(v)).toEqual([]);
  });
  it.each(['0', '01', '0-0', '1-0', '1', '', 'A', 'a-', '-a', 'a.b', 'a_b', 'my-Name'])(
    'invalid %j',
    (v) => {
      expect(isDNS1035Label(v)).toEqual([dns1035Msg]);
    },
  );
  it('reports length', () => {
    expect(isDNS1035Label('a'.repeat(64))).toEqual([maxLenError(63)]);
  });
});

describe('isQualifiedName', () => {
  it.each([
    'simple',
    'now-with-dashes',
    '1-starts-with-num',
    '1234',
    'simple/simple',
    'now-with-dashes/simple',
    'now-with-dashes/now-with-dashes',
    'now.with.dots/simple',
    'now-with.dashes-and.dots/simple',
    '1-num.2-num/3-num',
    '1234/5678',
    '1.2.3.4/5678',
    'Uppercase_Is_OK_123',
    'example.com/Uppercase_Is_OK_123',
    'requests.storage-foo',
    'a'.repeat(63),
    'a'.repeat(253) + '/' + 'b'.repeat(63),
  ])('valid %s', (v) => {
    expect(isQualifiedName(v)).toEqual([]);
  });
  it.each([
    ['nospecialchars%^=@', ['name part ' + qnameMsg]],
    ['cantendwithadash-', ['name part ' + qnameMsg]],
    ['-cantstartwithadash-', ['name part ' + qnameMsg]],
    [
      'only/one/slash',
      [
        `a qualified name ${qnameMsg} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
      ],
    ],
    ['Example.com/abc', ['prefix part ' + subdomainMsg]],
    ['example_com/abc', ['prefix part ' + subdomainMsg]],
    ['example.com/', ['name part must be non-empty', 'name part ' + qnameMsg]],
    ['/simple', ['prefix part must be non-empty']],
    ['', ['name part must be non-empty', 'name part ' + qnameMsg]],
    ['a'.repeat(64), ['name part must be no more than 63 characters']],
    ['a'.repeat(254) + '/abc', ['prefix part must be no more than 253 characters']],
    ['a b', ['name part ' + qnameMsg]],
  ])('invalid %j', (v, errs) => {
    expect(isQualifiedName(v)).toEqual(errs);
  });
});

describe('isValidLabelValue', () => {
  it.each([
    'simple',
    'now-with-dashes',
    '1-starts-with-num',
    'end-with-num-1',
    '1234',
    '',
    'a'.repeat(63),
    'Uppercase_Is_OK_123',
  ])('valid %j', (v) => {
    expect(isValidLabelValue(v)).toEqual([]);
  });
  it.each([
    'nospecialchars%^=@',
    'Tama-nui-te-rā.is.Māori.sun',
    '\\backslashes\\are\\bad',
    '-starts-with-dash',
    'ends-with-dash-',
    '.starts.with.dot',
    'ends.with.dot.',
  ])('invalid %j', (v) => {
    expect(isValidLabelValue(v)).toEqual([labelValueMsg]);
  });
  it('reports length', () => {
    expect(isValidLabelValue('a'.repeat(64))).toEqual([maxLenError(63)]);
  });
});

describe('isWildcardDNS1123Subdomain', () => {
  it('accepts *.example.com and rejects others', () => {
    expect(isWildcardDNS1123Subdomain('*.example.com')).toEqual([]);
    expect(isWildcardDNS1123Subdomain('example.com')).toHaveLength(1);
    expect(isWildcardDNS1123Subdomain('*.*.example.com')).toHaveLength(1);
  });
});

describe('ports', () => {
  it.each([1, 80, 65535])('port %d is valid', (p) => {
    expect(isValidPortNum(p)).toEqual([]);
  });
  it.each([0, -1, 65536, 100000])('port %d is invalid', (p) => {
    expect(isValidPortNum(p)).toEqual(['must be between 1 and 65535, inclusive']);
  });
  it.each([
    'telnet',
    're-mail-ck',
    'pop3',
    'a',
    'a-1',
    '1-a',
    'a-1-b-2-c',
    '1-a-2-b-3',
    'abcdefghijklmno',
  ])('port name %s is valid', (n) => {
    expect(isValidPortName(n)).toEqual([]);
  });
  it.each([
    ['longerthan15characters', ['must be no more than 15 characters']],
    [
      '',
      [
        'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'must contain at least one letter (a-z)',
      ],
    ],
    ['1234', ['must contain at least one letter (a-z)']],
    ['-begin', ['must not begin or end with a hyphen']],
    ['end-', ['must not begin or end with a hyphen']],
    ['two--hyphens', ['must not contain consecutive hyphens']],
    ['whois++', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)']],
    [
      'HTTP',
      [
        'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'must contain at least one letter (a-z)',
      ],
    ],
  ])('port name %j is invalid', (n, errs) => {
    expect(isValidPortName(n)).toEqual(errs);
  });
});

describe('ranges and ids', () => {
  it('isInRange', () => {
    expect(isInRange(5, 1, 10)).toEqual([]);
    expect(isInRange(11, 1, 10)).toEqual(['must be between 1 and 10, inclusive']);
  });
  it('user and group ids', () => {
    expect(isValidUserID(0)).toEqual([]);
    expect(isValidUserID(2147483647)).toEqual([]);
    expect(isValidUserID(-1)).toEqual(['must be between 0 and 2147483647, inclusive']);
    expect(isValidGroupID(2147483648)).toEqual(['must be between 0 and 2147483647, inclusive']);
  });
});

describe('other formats', () => {
  it('isCIdentifier', () => {
    expect(isCIdentifier('my_name')).toEqual([]);
    expect(isCIdentifier('1x')).toEqual([
      "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used for validation is '[A-Za-z_][A-Za-z0-9_]*')",
    ]);
  });
  it('isValidPercent', () => {
    expect(isValidPercent('50%')).toEqual([]);
    expect(isValidPercent('50')).toHaveLength(1);
    expect(isValidPercent('-5%')).toHaveLength(1);
  });
  it('isHTTPHeaderName', () => {
    expect(isHTTPHeaderName('X-Header-Name')).toEqual([]);
    expect(isHTTPHeaderName('X_Header')).toHaveLength(1);
  });
  it('isEnvVarName', () => {
    expect(isEnvVarName('my.env-name')).toEqual([]);
    expect(isEnvVarName('MY_ENV.NAME')).toEqual([]);
    expect(isEnvVarName('1x')).toHaveLength(1);
    expect(isEnvVarName('..')).toEqual(["must not be '..'"]);
    expect(isEnvVarName('.')).toEqual(["must not be '.'"]);
    expect(isEnvVarName('..x')).toEqual(["must not start with '..'"]);
  });
  it('isRelaxedEnvVarName', () => {
    expect(isRelaxedEnvVarName('1 weird name!')).toEqual([]);
    expect(isRelaxedEnvVarName('')).toEqual(['environment variable name must be non-empty']);
    expect(isRelaxedEnvVarName('a=b')).toEqual([
      "a valid environment variable name must consist only of printable ASCII characters other than '='",
    ]);
  });
  it('isConfigMapKey', () => {
    expect(isConfigMapKey('key.name')).toEqual([]);
    expect(isConfigMapKey('a/b')).toHaveLength(1);
    expect(isConfigMapKey('..')).toEqual(["must not be '..'"]);
    expect(isConfigMapKey('a'.repeat(254))).toEqual(['must be no more than 253 characters']);
  });
});

describe('isValidPathSegmentName', () => {
  it.each([
    ['good', false, []],
    ['.', false, ["may not be '.'"]],
    ['..', false, ["may not be '..'"]],
    ['a/b', false, ["may not contain '/'"]],
    ['a%b', false, ["may not contain '%'"]],
    ['a/%b', false, ["may not contain '/'", "may not contain '%'"]],
    ['..', true, []],
    ['a/', true, ["may not contain '/'"]],
    ['Any_Thing:else', false, []],
  ])('%j (prefix %s)', (name, prefix, errs) => {
    expect(isValidPathSegmentName(name, prefix)).toEqual(errs);
  });
});
