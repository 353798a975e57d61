import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../testing/builders.ts';
import { SchedulerCache } from './cache.ts';

describe('SchedulerCache', () => {
  it('counts an assumed pod at once and confirms it without counting it twice', () => {
    const c = new SchedulerCache();
    c.addNode(makeNode('n1', { cpu: '1' }));
    const pod = makePod('p', { cpu: '600m', nodeName: 'n1' });
    c.assumePod(pod);
    expect(c.isAssumedPod(pod)).toBe(true);
    expect(c.getNodeInfo('n1')?.requested.milliCPU).toBe(600);
    expect(() => {
      c.assumePod(pod);
    }).toThrow(/can't be assumed/);
    c.finishBinding(pod);
    c.addPod(pod);
    expect(c.isAssumedPod(pod)).toBe(false);
    expect(c.getNodeInfo('n1')?.requested.milliCPU).toBe(600);
    expect(c.podCount).toBe(1);
  });

  it('forgets an assumed pod whose binding failed', () => {
    const c = new SchedulerCache();
    c.addNode(makeNode('n1'));
    const pod = makePod('p', { cpu: '600m', nodeName: 'n1' });
    c.assumePod(pod);
    c.forgetPod(pod);
    expect(c.getNodeInfo('n1')?.numPods).toBe(0);
    expect(c.isAssumedPod(pod)).toBe(false);
  });

  it('moves a pod confirmed on another node than assumed', () => {
    const c = new SchedulerCache();
    c.addNode(makeNode('n1'));
    c.addNode(makeNode('n2'));
    c.assumePod(makePod('p', { cpu: '1', nodeName: 'n1' }));
    c.addPod(makePod('p', { cpu: '1', nodeName: 'n2' }));
    expect(c.getNodeInfo('n1')?.numPods).toBe(0);
    expect(c.getNodeInfo('n2')?.numPods).toBe(1);
  });

  it('keeps pods of a deleted node until they go, without offering the node', () => {
    const c = new SchedulerCache();
    const node = makeNode('n1');
    c.addNode(node);
    const pod = makePod('p', { nodeName: 'n1' });
    c.addPod(pod);
    c.removeNode(node);
    expect(c.nodeInfoList()).toEqual([]);
    c.addNode(node);
    expect(c.getNodeInfo('n1')?.numPods).toBe(1);
    c.removeNode(node);
    c.removePod(pod);
    c.addNode(node);
    expect(c.getNodeInfo('n1')?.numPods).toBe(0);
  });

  it('applies node updates (allocatable, taints from conditions)', () => {
    const c = new SchedulerCache();
    c.addNode(makeNode('n1', { cpu: '1', ready: 'False' }));
    expect(c.getNodeInfo('n1')?.taints.map((t) => t.key)).toEqual(['node.kubernetes.io/not-ready']);
    c.updateNode(makeNode('n1', { cpu: '2' }));
    expect(c.getNodeInfo('n1')?.taints).toEqual([]);
    expect(c.getNodeInfo('n1')?.allocatable.milliCPU).toBe(2000);
  });
});
