/**
 * EnsureImageExists, as upstream's images/image_manager.go: decides from imagePullPolicy whether
 * to pull, backs off failing pulls (10 s doubling to 300 s, per pod and image), and records the
 * events `kubectl describe pod` shows (Pulling, Pulled, Failed, BackOff, ErrImageNeverPull).
 *
 *   Never        present → use it; absent → ErrImageNeverPull
 *   IfNotPresent present → use it; absent → pull
 *   Always       pull (the API server defaults it for `:latest` and untagged images)
 *   pull fails   → ErrImagePull; tried again while in back-off → ImagePullBackOff
 */
import type { Container, ObjectReference, Pod } from '../api/index.ts';
import type { EventRecorder } from '../client/index.ts';
import type { Clock, Logger } from '../util/index.ts';
import { BackOff } from './backoff.ts';
import { parseReference, type ImageRecord, type ImageService } from './images/index.ts';
import { errorMessage } from '../util/index.ts';

export type ImagePullReason =
  | 'ErrImagePull'
  | 'ImagePullBackOff'
  | 'ErrImageNeverPull'
  | 'InvalidImageName'
  | 'ImageInspectError';

export type EnsureImageResult =
  | { readonly ok: true; readonly image: ImageRecord }
  | { readonly ok: false; readonly reason: ImagePullReason; readonly message: string };

export interface ImageManagerOptions {
  readonly images: ImageService;
  readonly recorder: EventRecorder;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Go's Duration.String() for a millisecond count: `512ms`, `1.234s`, `2m3.5s`. */
export function formatGoDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const totalSeconds = ms / 1000;
  const m = Math.floor(totalSeconds / 60);
  const s = +(totalSeconds - m * 60).toFixed(3);
  return m > 0 ? `${m}m${s}s` : `${s}s`;
}

export class ImageManager {
  private readonly opts: ImageManagerOptions;
  readonly backOff: BackOff;

  constructor(opts: ImageManagerOptions) {
    this.opts = opts;
    this.backOff = new BackOff({ clock: opts.clock });
  }

  async ensureImageExists(
    pod: Pod,
    container: Container,
    ref: ObjectReference | Pod,
    signal?: AbortSignal,
  ): Promise<EnsureImageResult> {
    const { images, recorder, clock } = this.opts;
    const image = container.image ?? '';
    try {
      parseReference(image);
    } catch (err) {
      const message = `Failed to apply default image tag "${image}": couldn't parse image name "${image}": ${(err as Error).message}`;
      recorder.event(ref, 'Warning', 'InspectFailed', message);
      return { ok: false, reason: 'InvalidImageName', message };
    }
    let present: ImageRecord | undefined;
    try {
      present = await images.resolve(image);
    } catch (err) {
      const message = `Failed to inspect image "${image}": ${(err as Error).message}`;
      recorder.event(ref, 'Warning', 'InspectFailed', message);
      return { ok: false, reason: 'ImageInspectError', message };
    }
    const policy = container.imagePullPolicy ?? 'IfNotPresent';
    const shouldPull = policy === 'Always' || (policy === 'IfNotPresent' && !present);
    if (!shouldPull) {
      if (present) {
        recorder.event(
          ref,
          'Normal',
          'Pulled',
          `Container image "${image}" already present on machine`,
        );
        return { ok: true, image: present };
      }
      const message = `Container image "${image}" is not present with pull policy of Never`;
      recorder.event(ref, 'Warning', 'ErrImageNeverPull', message);
      return { ok: false, reason: 'ErrImageNeverPull', message };
    }
    const key = `${pod.metadata?.uid ?? ''}_${image}`;
    if (this.backOff.isInBackOffSinceUpdate(key)) {
      const message = `Back-off pulling image "${image}"`;
      recorder.event(ref, 'Normal', 'BackOff', message);
      return { ok: false, reason: 'ImagePullBackOff', message };
    }
    recorder.event(ref, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const started = clock.now();
    try {
      const pulled = await images.pull(image, signal);
      const took = formatGoDuration(clock.now() - started);
      recorder.event(
        ref,
        'Normal',
        'Pulled',
        `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${pulled.size} bytes.`,
      );
      this.backOff.gc();
      return { ok: true, image: pulled };
    } catch (err) {
      const detail = errorMessage(err);
      recorder.event(ref, 'Warning', 'Failed', `Failed to pull image "${image}": ${detail}`);
      this.backOff.next(key, clock.now());
      this.opts.logger.warn('image pull failed', { image, err: detail });
      return { ok: false, reason: 'ErrImagePull', message: detail };
    }
  }

  /** Milliseconds until the pull back-off of this pod's image ends (0 if none). */
  remainingBackOff(pod: Pod, container: Container): number {
    return this.backOff.remainingSinceUpdate(`${pod.metadata?.uid ?? ''}_${container.image ?? ''}`);
  }
}
