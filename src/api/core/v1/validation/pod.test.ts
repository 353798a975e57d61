import { describe, it, expect } from 'vitest';
import { formatFieldErrors } from '../../../validation/field-errors.ts';
import { defaultPod, defaultPodTemplate } from '../defaults.ts';
import type { Binding, Pod, PodTemplate } from '../pod.ts';
import {
  validateBinding,
  validatePod,
  validatePodEphemeralContainersUpdate,
  validatePodStatusUpdate,
  validatePodTemplate,
  validatePodTemplateUpdate,
  validatePodUpdate,
} from './pod.ts';
import { LABEL, LABEL_VALUE, QNAME, UPDATABLE_POD_FIELDS } from './testdata/messages.ts';
import { ctr, debugContainer, podCases, specOf, validPod } from './testdata/pod-cases.ts';

function created(mutate: (p: Pod) => void): Pod {
  const pod = validPod();
  mutate(pod);
  defaultPod(pod);
  return pod;
}

/** A pod as stored: defaulted, with the metadata the API server fills in. */
function stored(mutate: (p: Pod) => void = () => undefined): Pod {
  const pod = created(mutate);
  pod.metadata = {
    ...pod.metadata,
    uid: '8d2c4c3e-0000-4000-8000-000000000001',
    resourceVersion: '10',
    creationTimestamp: '2025-01-01T00:00:00Z',
  };
  return pod;
}

function updated(old: Pod, mutate: (p: Pod) => void): Pod {
  const pod = structuredClone(old);
  mutate(pod);
  return pod;
}

const msg = formatFieldErrors;

describe('validatePod (create)', () => {
  it('accepts the valid base pod', () => {
    expect(msg(validatePod(created(() => undefined)))).toBe('');
  });

  it('has a corpus of at least 150 invalid pods with unique names', () => {
    expect(podCases.length).toBeGreaterThanOrEqual(150);
    expect(new Set(podCases.map((c) => c.name)).size).toBe(podCases.length);
  });

  it.each(podCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(msg(validatePod(created(c.mutate)))).toBe(c.expect);
  });
});

describe('validatePodUpdate', () => {
  const forbiddenPrefix = `spec: Forbidden: ${UPDATABLE_POD_FIELDS}\n`;

  it('allows changing container images', () => {
    const old = stored();
    expect(
      msg(
        validatePodUpdate(
          updated(old, (p) => (ctr(p).image = 'nginx:1.28')),
          old,
        ),
      ),
    ).toBe('');
  });

  it('allows metadata label changes', () => {
    const old = stored();
    const pod = updated(old, (p) => (p.metadata = { ...p.metadata, labels: { tier: 'web' } }));
    expect(msg(validatePodUpdate(pod, old))).toBe('');
  });

  it('forbids other spec changes and ends with a diff of the spec', () => {
    const old = stored();
    const pod = updated(old, (p) => (ctr(p).command = ['sleep', '1']));
    const text = msg(validatePodUpdate(pod, old));
    expect(text.startsWith(forbiddenPrefix + '  core.PodSpec{\n')).toBe(true);
    expect(text).toContain('- \t\t\tCommand: nil,\n');
    expect(text).toContain('+ \t\t\tCommand: []string{"sleep", "1"},\n');
    expect(text.endsWith('  }\n')).toBe(true);
  });

  it('reports the changed scalar fields in the diff', () => {
    const old = stored();
    const pod = updated(old, (p) => (specOf(p).restartPolicy = 'Never'));
    const text = msg(validatePodUpdate(pod, old));
    expect(text.startsWith(forbiddenPrefix)).toBe(true);
    expect(text).toContain('- \tRestartPolicy: "Always",\n+ \tRestartPolicy: "Never",\n');
    expect(text).not.toContain('DeprecatedServiceAccount');
  });

  it('forbids adding or removing containers, and stops there', () => {
    const old = stored();
    const pod = updated(old, (p) => {
      specOf(p).containers.push({ name: 'side', image: 'busybox' });
      specOf(p).restartPolicy = 'Never';
    });
    defaultPod(pod);
    expect(msg(validatePodUpdate(pod, old))).toBe(
      'spec.containers: Forbidden: pod updates may not add or remove containers',
    );
  });

  it('forbids adding init containers', () => {
    const old = stored();
    const pod = updated(old, (p) => {
      specOf(p).initContainers = [{ name: 'setup', image: 'busybox' }];
    });
    defaultPod(pod);
    expect(msg(validatePodUpdate(pod, old))).toBe(
      'spec.initContainers: Forbidden: pod updates may not add or remove containers',
    );
  });

  it('requires an image on update', () => {
    const old = stored();
    const pod = updated(old, (p) => (ctr(p).image = ''));
    expect(msg(validatePodUpdate(pod, old))).toBe('spec.containers[0].image: Required value');
  });

  it('rejects an image with whitespace on update', () => {
    const old = stored();
    const pod = updated(old, (p) => (ctr(p).image = 'nginx '));
    expect(msg(validatePodUpdate(pod, old))).toBe(
      'spec.containers[0].image: Invalid value: "nginx ": must not have leading or trailing whitespace',
    );
  });

  describe('activeDeadlineSeconds', () => {
    it('may be set when it was unset', () => {
      const old = stored();
      const pod = updated(old, (p) => (specOf(p).activeDeadlineSeconds = 30));
      expect(msg(validatePodUpdate(pod, old))).toBe('');
    });

    it('may be lowered', () => {
      const old = stored((p) => (specOf(p).activeDeadlineSeconds = 60));
      const pod = updated(old, (p) => (specOf(p).activeDeadlineSeconds = 30));
      expect(msg(validatePodUpdate(pod, old))).toBe('');
    });

    it('may not be raised', () => {
      const old = stored((p) => (specOf(p).activeDeadlineSeconds = 30));
      const pod = updated(old, (p) => (specOf(p).activeDeadlineSeconds = 60));
      expect(msg(validatePodUpdate(pod, old))).toBe(
        'spec.activeDeadlineSeconds: Invalid value: 60: must be less than or equal to previous value',
      );
    });

    it('may not be removed', () => {
      const old = stored((p) => (specOf(p).activeDeadlineSeconds = 30));
      const pod = updated(old, (p) => delete specOf(p).activeDeadlineSeconds);
      expect(msg(validatePodUpdate(pod, old))).toBe(
        'spec.activeDeadlineSeconds: Invalid value: "null": must not update from a positive integer to nil value',
      );
    });

    it('may not be lowered to 0 (the pod spec rule)', () => {
      const old = stored((p) => (specOf(p).activeDeadlineSeconds = 30));
      const pod = updated(old, (p) => (specOf(p).activeDeadlineSeconds = 0));
      expect(msg(validatePodUpdate(pod, old))).toBe(
        'spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive',
      );
    });

    it('reports both ranges for a negative value', () => {
      const old = stored((p) => (specOf(p).activeDeadlineSeconds = 30));
      const pod = updated(old, (p) => (specOf(p).activeDeadlineSeconds = -1));
      expect(msg(validatePodUpdate(pod, old))).toBe(
        '[spec.activeDeadlineSeconds: Invalid value: -1: must be between 1 and 2147483647, inclusive, spec.activeDeadlineSeconds: Invalid value: -1: must be between 0 and 2147483647, inclusive]',
      );
    });
  });

  describe('tolerations', () => {
    const oldToleration = { key: 'k', operator: 'Equal', value: 'v', effect: 'NoExecute' } as const;

    it('may be added', () => {
      const old = stored((p) => (specOf(p).tolerations = [{ ...oldToleration }]));
      const pod = updated(old, (p) =>
        (specOf(p).tolerations ??= []).push({ key: 'other', operator: 'Exists' }),
      );
      expect(msg(validatePodUpdate(pod, old))).toBe('');
    });

    it('may change tolerationSeconds', () => {
      const old = stored((p) => {
        specOf(p).tolerations = [{ ...oldToleration, tolerationSeconds: 300 }];
      });
      const pod = updated(old, (p) => {
        specOf(p).tolerations = [{ ...oldToleration, tolerationSeconds: 60 }];
      });
      expect(msg(validatePodUpdate(pod, old))).toBe('');
    });

    it('may not be modified', () => {
      const old = stored((p) => (specOf(p).tolerations = [{ ...oldToleration }]));
      const pod = updated(old, (p) => (specOf(p).tolerations = [{ ...oldToleration, value: 'w' }]));
      expect(msg(validatePodUpdate(pod, old))).toBe(
        'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds',
      );
    });

    it('may not be removed', () => {
      const old = stored((p) => (specOf(p).tolerations = [{ ...oldToleration }]));
      const pod = updated(old, (p) => delete specOf(p).tolerations);
      expect(msg(validatePodUpdate(pod, old))).toBe(
        'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds',
      );
    });

    it('added ones are validated', () => {
      const old = stored();
      const pod = updated(
        old,
        (p) => (specOf(p).tolerations = [{ key: 'a b', operator: 'Exists' }]),
      );
      expect(msg(validatePodUpdate(pod, old))).toBe(
        `spec.tolerations[0].key: Invalid value: "a b": ${QNAME}`,
      );
    });
  });

  describe('scheduling gates', () => {
    it('may be removed', () => {
      const old = stored((p) => (specOf(p).schedulingGates = [{ name: 'example.com/a' }]));
      const pod = updated(old, (p) => (specOf(p).schedulingGates = []));
      expect(msg(validatePodUpdate(pod, old))).toBe('');
    });

    it('may not be added', () => {
      const old = stored((p) => (specOf(p).schedulingGates = [{ name: 'example.com/a' }]));
      const pod = updated(old, (p) =>
        (specOf(p).schedulingGates ??= []).push({ name: 'example.com/b' }),
      );
      expect(msg(validatePodUpdate(pod, old))).toBe(
        "spec.schedulingGates[1].name: Forbidden: only deletion is allowed, but found new scheduling gate 'example.com/b'",
      );
    });

    it('allow node selector additions while gated', () => {
      const old = stored((p) => {
        specOf(p).schedulingGates = [{ name: 'example.com/a' }];
        specOf(p).nodeSelector = { zone: 'a' };
      });
      const pod = updated(old, (p) => (specOf(p).nodeSelector = { zone: 'a', disk: 'ssd' }));
      expect(msg(validatePodUpdate(pod, old))).toBe('');
    });

    it('forbid node selector mutations while gated', () => {
      const old = stored((p) => {
        specOf(p).schedulingGates = [{ name: 'example.com/a' }];
        specOf(p).nodeSelector = { zone: 'a' };
      });
      const pod = updated(old, (p) => (specOf(p).nodeSelector = { zone: 'b', disk: 'ssd' }));
      expect(msg(validatePodUpdate(pod, old))).toBe(
        'spec.nodeSelector: Invalid value: map[string]string{"disk":"ssd", "zone":"b"}: only additions to spec.nodeSelector are allowed (no mutations or deletions)',
      );
    });

    it('forbid node selector changes once ungated', () => {
      const old = stored((p) => (specOf(p).nodeSelector = { zone: 'a' }));
      const pod = updated(old, (p) => (specOf(p).nodeSelector = { zone: 'a', disk: 'ssd' }));
      const text = msg(validatePodUpdate(pod, old));
      expect(text.startsWith(forbiddenPrefix)).toBe(true);
      expect(text).toContain('NodeSelector');
    });
  });

  it('allows a negative grace period to become 1', () => {
    const old = stored((p) => (specOf(p).terminationGracePeriodSeconds = -5));
    const pod = updated(old, (p) => (specOf(p).terminationGracePeriodSeconds = 1));
    expect(msg(validatePodUpdate(pod, old))).toBe('');
  });

  it('forbids other grace period changes', () => {
    const old = stored();
    const pod = updated(old, (p) => (specOf(p).terminationGracePeriodSeconds = 10));
    expect(msg(validatePodUpdate(pod, old)).startsWith(forbiddenPrefix)).toBe(true);
  });

  it('keeps the name immutable', () => {
    const old = stored();
    const pod = updated(old, (p) => (p.metadata = { ...p.metadata, name: 'other' }));
    expect(msg(validatePodUpdate(pod, old))).toBe(
      'metadata.name: Invalid value: "other": field is immutable',
    );
  });

  it('forbids removing the mirror pod annotation', () => {
    const old = stored((p) => {
      specOf(p).nodeName = 'node-1';
      p.metadata = { ...p.metadata, annotations: { 'kubernetes.io/config.mirror': 'x' } };
    });
    const pod = updated(old, (p) => (p.metadata = { ...p.metadata, annotations: {} }));
    expect(msg(validatePodUpdate(pod, old))).toBe(
      'metadata.annotations[kubernetes.io/config.mirror]: Forbidden: may not remove or update mirror pod annotation',
    );
  });

  it('forbids adding the mirror pod annotation', () => {
    const old = stored((p) => (specOf(p).nodeName = 'node-1'));
    const pod = updated(old, (p) => {
      p.metadata = { ...p.metadata, annotations: { 'kubernetes.io/config.mirror': 'x' } };
    });
    expect(msg(validatePodUpdate(pod, old))).toBe(
      'metadata.annotations[kubernetes.io/config.mirror]: Forbidden: may not add mirror pod annotation',
    );
  });
});

describe('validatePodStatusUpdate', () => {
  const running = (p: Pod): void => {
    specOf(p).nodeName = 'node-1';
    p.status = {
      phase: 'Running',
      qosClass: 'BestEffort',
      hostIP: '192.168.0.10',
      hostIPs: [{ ip: '192.168.0.10' }],
      podIP: '10.0.0.5',
      podIPs: [{ ip: '10.0.0.5' }],
    };
  };

  it('accepts new conditions and container statuses', () => {
    const old = stored(running);
    const pod = updated(old, (p) => {
      p.status = {
        ...p.status,
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'example.com/ready', status: 'True' },
        ],
        containerStatuses: [
          {
            name: 'app',
            ready: true,
            restartCount: 0,
            image: 'nginx:1.27',
            imageID: '',
            state: { running: {} },
          },
        ],
      };
    });
    expect(msg(validatePodStatusUpdate(pod, old))).toBe('');
  });

  it('validates custom condition types at metadata.conditions', () => {
    const old = stored(running);
    const pod = updated(old, (p) => {
      p.status = { ...p.status, conditions: [{ type: 'a b', status: 'True' }] };
    });
    expect(msg(validatePodStatusUpdate(pod, old))).toBe(
      `metadata.conditions[0].Type: Invalid value: "a b": ${QNAME}`,
    );
  });

  it('forbids changing the node', () => {
    const old = stored(running);
    const pod = updated(old, (p) => (specOf(p).nodeName = 'node-2'));
    expect(msg(validatePodStatusUpdate(pod, old))).toBe(
      'status.nodeName: Forbidden: may not be changed directly',
    );
  });

  it('keeps the QoS class', () => {
    const old = stored(running);
    const pod = updated(old, (p) => (p.status = { ...p.status, qosClass: 'Burstable' }));
    expect(msg(validatePodStatusUpdate(pod, old))).toBe(
      'status.qosClass: Invalid value: "Burstable": field is immutable',
    );
  });

  it('validates the nominated node name', () => {
    const old = stored(running);
    const pod = updated(old, (p) => (p.status = { ...p.status, nominatedNodeName: 'Node_1' }));
    expect(msg(validatePodStatusUpdate(pod, old))).toBe(
      `status.nominatedNodeName: Invalid value: "Node_1": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
  });

  it('rejects two IPs of one family', () => {
    const old = stored(running);
    const pod = updated(old, (p) => {
      p.status = { ...p.status, podIPs: [{ ip: '10.0.0.5' }, { ip: '10.0.0.6' }] };
    });
    expect(msg(validatePodStatusUpdate(pod, old))).toBe(
      'status.podIPs: Invalid value: []core.PodIP{core.PodIP{IP:"10.0.0.5"}, core.PodIP{IP:"10.0.0.6"}}: may specify no more than one IP for each IP family',
    );
  });

  it('accepts dual-stack pod IPs', () => {
    const old = stored(running);
    const pod = updated(old, (p) => {
      p.status = { ...p.status, podIPs: [{ ip: '10.0.0.5' }, { ip: 'fd00::5' }] };
    });
    expect(msg(validatePodStatusUpdate(pod, old))).toBe('');
  });

  it('rejects an invalid pod IP', () => {
    const old = stored(running);
    const pod = updated(old, (p) => {
      p.status = { ...p.status, podIP: '10.0.0.300', podIPs: [{ ip: '10.0.0.300' }] };
    });
    expect(msg(validatePodStatusUpdate(pod, old))).toBe(
      'status.podIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    );
  });

  it('requires hostIPs[0] to equal hostIP', () => {
    const old = stored(running);
    const pod = updated(old, (p) => {
      p.status = { ...p.status, hostIPs: [{ ip: '192.168.0.11' }] };
    });
    expect(msg(validatePodStatusUpdate(pod, old))).toBe(
      'status.hostIPs[0].ip: Invalid value: "192.168.0.11": must be equal to `hostIP`',
    );
  });

  it('forbids restarting a terminated container of a Never pod', () => {
    const old = stored((p) => {
      running(p);
      specOf(p).restartPolicy = 'Never';
      p.status = {
        ...p.status,
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 0,
            image: 'nginx:1.27',
            imageID: '',
            state: { terminated: { exitCode: 0 } },
          },
        ],
      };
    });
    const pod = updated(old, (p) => {
      p.status = {
        ...p.status,
        containerStatuses: [
          {
            name: 'app',
            ready: true,
            restartCount: 1,
            image: 'nginx:1.27',
            imageID: '',
            state: { running: {} },
          },
        ],
      };
    });
    expect(msg(validatePodStatusUpdate(pod, old))).toBe(
      'status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state',
    );
  });

  it('lets a failed container of an OnFailure pod restart', () => {
    const old = stored((p) => {
      running(p);
      specOf(p).restartPolicy = 'OnFailure';
      p.status = {
        ...p.status,
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 0,
            image: 'nginx:1.27',
            imageID: '',
            state: { terminated: { exitCode: 1 } },
          },
        ],
      };
    });
    const pod = updated(old, (p) => {
      p.status = {
        ...p.status,
        containerStatuses: [
          {
            name: 'app',
            ready: true,
            restartCount: 1,
            image: 'nginx:1.27',
            imageID: '',
            state: { running: {} },
          },
        ],
      };
    });
    expect(msg(validatePodStatusUpdate(pod, old))).toBe('');
  });

  it('validates container user IDs', () => {
    const old = stored(running);
    const pod = updated(old, (p) => {
      p.status = {
        ...p.status,
        containerStatuses: [
          {
            name: 'app',
            ready: true,
            restartCount: 0,
            image: 'nginx:1.27',
            imageID: '',
            user: { linux: { uid: -1, gid: 0 } },
          },
        ],
      };
    });
    expect(msg(validatePodStatusUpdate(pod, old))).toBe(
      'status.containerStatuses[0].linux.uid: Invalid value: -1: must be between 0 and 2147483647, inclusive',
    );
  });
});

describe('validatePodEphemeralContainersUpdate', () => {
  const withDebug = (p: Pod): void => {
    specOf(p).nodeName = 'node-1';
  };

  function addDebug(old: Pod, mutate: (p: Pod) => void = () => undefined): Pod {
    return updated(old, (p) => {
      const ec = debugContainer();
      (specOf(p).ephemeralContainers ??= []).push(ec);
      mutate(p);
      defaultPod(p);
    });
  }

  it('accepts a new ephemeral container', () => {
    const old = stored(withDebug);
    expect(msg(validatePodEphemeralContainersUpdate(addDebug(old), old))).toBe('');
  });

  it('refuses static pods', () => {
    const old = stored((p) => {
      withDebug(p);
      p.metadata = { ...p.metadata, annotations: { 'kubernetes.io/config.mirror': 'x' } };
    });
    expect(msg(validatePodEphemeralContainersUpdate(addDebug(old), old))).toBe(
      ': Forbidden: static pods do not support ephemeral containers',
    );
  });

  it('forbids removing one', () => {
    const old = addDebug(stored(withDebug));
    const pod = updated(old, (p) => (specOf(p).ephemeralContainers = []));
    expect(msg(validatePodEphemeralContainersUpdate(pod, old))).toBe(
      'spec.ephemeralContainers: Forbidden: existing ephemeral containers "debug" may not be removed\n',
    );
  });

  it('forbids changing one and shows the diff', () => {
    const old = addDebug(stored(withDebug));
    const pod = updated(old, (p) => {
      const ec = specOf(p).ephemeralContainers?.[0];
      if (ec) ec.image = 'alpine';
    });
    expect(msg(validatePodEphemeralContainersUpdate(pod, old))).toBe(
      [
        'spec.ephemeralContainers: Forbidden: existing ephemeral containers "debug" may not be changed',
        '  core.EphemeralContainer{',
        '  \tName: "debug",',
        '- \tImage: "busybox",',
        '+ \tImage: "alpine",',
        '  \tCommand: nil,',
        '  \tArgs:    nil,',
        '  \t... // 21 identical fields',
        '  }',
        '',
      ].join('\n'),
    );
  });

  it('forbids lifecycle hooks', () => {
    const old = stored(withDebug);
    const pod = addDebug(old, (p) => {
      const ec = specOf(p).ephemeralContainers?.[0];
      if (ec) ec.lifecycle = { preStop: { exec: { command: ['true'] } } };
    });
    expect(msg(validatePodEphemeralContainersUpdate(pod, old))).toBe(
      'spec.ephemeralContainers[0].lifecycle: Forbidden: cannot be set for an Ephemeral Container',
    );
  });

  it('forbids probes', () => {
    const old = stored(withDebug);
    const pod = addDebug(old, (p) => {
      const ec = specOf(p).ephemeralContainers?.[0];
      if (ec) ec.readinessProbe = { exec: { command: ['true'] } };
    });
    expect(msg(validatePodEphemeralContainersUpdate(pod, old))).toBe(
      'spec.ephemeralContainers[0].readinessProbe: Forbidden: cannot be set for an Ephemeral Container',
    );
  });

  it('forbids subPath mounts', () => {
    const old = stored((p) => {
      withDebug(p);
      specOf(p).volumes = [{ name: 'data', emptyDir: {} }];
    });
    const pod = addDebug(old, (p) => {
      const ec = specOf(p).ephemeralContainers?.[0];
      if (ec) ec.volumeMounts = [{ name: 'data', mountPath: '/data', subPath: 'x' }];
    });
    expect(msg(validatePodEphemeralContainersUpdate(pod, old))).toBe(
      'spec.ephemeralContainers[0].volumeMounts[0].subPath: Forbidden: cannot be set for an Ephemeral Container',
    );
  });

  it('requires the target container to exist', () => {
    const old = stored(withDebug);
    const pod = addDebug(old, (p) => {
      const ec = specOf(p).ephemeralContainers?.[0];
      if (ec) ec.targetContainerName = 'nope';
    });
    expect(msg(validatePodEphemeralContainersUpdate(pod, old))).toBe(
      'spec.ephemeralContainers[0].targetContainerName: Not found: "nope"',
    );
  });

  it('forbids a name already used by a container', () => {
    const old = stored(withDebug);
    const pod = addDebug(old, (p) => {
      const ec = specOf(p).ephemeralContainers?.[0];
      if (ec) ec.name = 'app';
    });
    expect(msg(validatePodEphemeralContainersUpdate(pod, old))).toBe(
      'spec.ephemeralContainers[0].name: Duplicate value: "app"',
    );
  });

  it('validates the name as a DNS label', () => {
    const old = stored(withDebug);
    const pod = addDebug(old, (p) => {
      const ec = specOf(p).ephemeralContainers?.[0];
      if (ec) ec.name = 'Debug';
    });
    expect(msg(validatePodEphemeralContainersUpdate(pod, old))).toBe(
      `spec.ephemeralContainers[0].name: Invalid value: "Debug": ${LABEL}`,
    );
  });
});

describe('validateBinding', () => {
  const binding = (target: Binding['target']): Binding => ({
    apiVersion: 'v1',
    kind: 'Binding',
    metadata: { name: 'web', namespace: 'default' },
    target,
  });

  it('accepts a node target', () => {
    expect(msg(validateBinding(binding({ kind: 'Node', name: 'node-1' })))).toBe('');
    expect(msg(validateBinding(binding({ name: 'node-1' })))).toBe('');
  });

  it('rejects other kinds and a missing name', () => {
    expect(msg(validateBinding(binding({ kind: 'Pod', name: 'x' })))).toBe(
      'target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"',
    );
    expect(msg(validateBinding(binding({ kind: 'Node' })))).toBe('target.name: Required value');
  });
});

describe('PodTemplate', () => {
  const template = (mutate: (t: PodTemplate) => void = () => undefined): PodTemplate => {
    const t: PodTemplate = {
      apiVersion: 'v1',
      kind: 'PodTemplate',
      metadata: { name: 'web', namespace: 'default', resourceVersion: '1' },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
      },
    };
    mutate(t);
    defaultPodTemplate(t);
    return t;
  };

  it('accepts a valid template', () => {
    expect(msg(validatePodTemplate(template()))).toBe('');
  });

  it('validates the pod spec under template.spec', () => {
    const t = template((x) => {
      const c = x.template?.spec?.containers[0];
      if (c) c.name = 'App';
    });
    expect(msg(validatePodTemplate(t))).toBe(
      `template.spec.containers[0].name: Invalid value: "App": ${LABEL}`,
    );
  });

  it('validates template labels', () => {
    const t = template((x) => {
      if (x.template) x.template.metadata = { labels: { app: 'a b' } };
    });
    expect(msg(validatePodTemplate(t))).toBe(
      `template.labels: Invalid value: "a b": ${LABEL_VALUE}`,
    );
  });

  it('forbids ephemeral containers', () => {
    const t = template((x) => {
      if (x.template?.spec) x.template.spec.ephemeralContainers = [debugContainer()];
    });
    expect(msg(validatePodTemplate(t))).toBe(
      'template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod template',
    );
  });

  it('does not default requests from limits in templates', () => {
    const t = template((x) => {
      const c = x.template?.spec?.containers[0];
      if (c) c.resources = { limits: { cpu: '1' } };
    });
    expect(t.template?.spec?.containers[0]?.resources).toEqual({ limits: { cpu: '1' } });
  });

  it('keeps the name on update and validates the new template', () => {
    const old = template();
    const next = template((x) => (x.metadata = { ...x.metadata, name: 'api' }));
    expect(msg(validatePodTemplateUpdate(next, old))).toBe(
      'metadata.name: Invalid value: "api": field is immutable',
    );
  });
});
