-- The platform event stream (EventBus): revocations and change notifications that every node, gateway and
-- SDK must see. seq is assigned under the lock of the single platform_event_head row, so sequence numbers
-- become visible in commit order with no gaps: a poller that has read up to N never misses N+1.
CREATE TABLE platform_event_head (
    id        INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    last_seq  BIGINT  NOT NULL CHECK (last_seq >= 0)
);
INSERT INTO platform_event_head (id, last_seq) VALUES (1, 0);

CREATE TABLE platform_events (
    seq          BIGINT                   NOT NULL PRIMARY KEY CHECK (seq > 0),
    topic        VARCHAR(128)             NOT NULL,
    subject      VARCHAR(1024)            NOT NULL,
    attributes   VARCHAR(8192)            NOT NULL, -- application/x-www-form-urlencoded pairs
    occurred_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX platform_events_occurred_at ON platform_events (occurred_at);
