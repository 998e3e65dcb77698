import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';

/** What an `sns:publish` Task asked to send, with the run it belongs to. */
export interface Notification {
  readonly pipelineName: string;
  readonly executionName: string;
  readonly topicArn?: string;
  readonly subject?: string;
  /** The Task's `Message`: a JSON value when the definition built one, else the string it sent. */
  readonly message: unknown;
}

export interface NotificationReceipt {
  readonly messageId: string;
  /** Set when the webhook could not be reached or refused the POST; the log line was still written. */
  readonly deliveryError?: string;
}

/** Where `arn:aws:states:::sns:publish` goes when the definition runs locally. */
export interface Notifier {
  publish(notification: Notification): Promise<NotificationReceipt>;
}

export interface LocalNotifierOptions {
  readonly logger: Logger;
  /** `NotificationUrl`: a JSON summary is POSTed here (http or https). */
  readonly url?: string;
  /** @default 10000 */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

/**
 * Always writes one structured log line; POSTs a JSON summary when a URL is configured. A webhook that
 * fails does not fail the run (SNS accepts a publish without knowing whether anyone receives it): the
 * failure is logged at error level and returned in the receipt, so the run records it.
 */
export function createLocalNotifier(options: LocalNotifierOptions): Notifier {
  const send = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  return {
    async publish(notification) {
      const messageId = randomUUID();
      const summary = {
        messageId,
        pipeline: notification.pipelineName,
        executionName: notification.executionName,
        subject: notification.subject ?? null,
        topicArn: notification.topicArn ?? null,
        message: notification.message,
        sentAt: new Date(now()).toISOString(),
      };
      options.logger.info({ notification: summary }, notification.subject ?? 'pipeline notification');
      if (!options.url) return { messageId };
      try {
        const response = await send(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(summary),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
        await response.arrayBuffer();
        if (response.ok) return { messageId };
        return failed(`${options.url} answered HTTP ${response.status}`);
      } catch (error) {
        return failed(
          `${options.url} could not be reached: ${error instanceof Error ? error.message : String(error)}`,
        );
      }

      function failed(deliveryError: string): NotificationReceipt {
        options.logger.error({ messageId, deliveryError }, 'notification webhook failed');
        return { messageId, deliveryError };
      }
    },
  };
}

/** `Message` as an SNS Task passes it: parsed when it is a JSON document, kept as text otherwise. */
export function notificationFromTaskInput(
  input: unknown,
  run: { readonly pipelineName: string; readonly executionName: string },
): Notification {
  const fields = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  let message: unknown = fields['Message'] ?? null;
  if (typeof message === 'string' && /^\s*[[{]/.test(message)) {
    try {
      message = JSON.parse(message) as unknown;
    } catch {
      // plain text message
    }
  }
  return {
    ...run,
    message,
    ...(typeof fields['TopicArn'] === 'string' ? { topicArn: fields['TopicArn'] } : {}),
    ...(typeof fields['Subject'] === 'string' ? { subject: fields['Subject'] } : {}),
  };
}
