import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { replyFrom } from '@portcullis/bus';
import { queues, subjects, type Reply } from '@portcullis/contracts';

/** Lets other services (and tests) see that the auth service answers on the bus. */
@Controller()
export class PingMessages {
  @MessagePattern(subjects.authPing, { queue: queues.auth })
  ping(): Promise<Reply<{ service: 'auth' }>> {
    return replyFrom(() => ({ service: 'auth' as const }));
  }
}
