import { EventPattern } from '@nestjs/microservices';
import type { EventDescriptor } from '@onair/contracts';

/**
 * Marks a controller method as the handler of one event for `KafkaEventServer`:
 * `@OnEvent(AccountCreatedEvent) handle(@Payload() e: AccountCreated, @Ctx() ctx: KafkaEventContext)`.
 */
export const OnEvent = (descriptor: EventDescriptor): MethodDecorator => EventPattern<string>(descriptor.name);
