import { Module } from '@nestjs/common';
import { RecordEventsPublisher } from './record-events.publisher.js';
import { RecordsController } from './records.controller.js';
import { RecordsRepository } from './records.repository.js';

/** The canonical records, their read subjects and their change events. */
@Module({
  controllers: [RecordsController],
  providers: [RecordsRepository, RecordEventsPublisher],
  exports: [RecordsRepository, RecordEventsPublisher],
})
export class RecordsModule {}
