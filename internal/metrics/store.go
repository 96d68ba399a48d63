package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/stackd/stackd/internal/store"
)

// Source is what the store tells the metrics at each scrape.
type Source interface {
	PoolStats() []store.PoolStats
	JobQueue(ctx context.Context, now time.Time) (store.JobQueue, error)
}

// WatchStore registers the collectors read from src at each scrape: the
// connection pools and the job queue.
func (m *Metrics) WatchStore(src Source, now func() time.Time) {
	m.reg.MustRegister(&poolCollector{src: src}, &queueCollector{src: src, now: now})
}

var (
	poolOpen = prometheus.NewDesc("stackd_db_connections_open",
		"Connections open in the pool, in use or idle.", []string{"pool"}, nil)
	poolInUse = prometheus.NewDesc("stackd_db_connections_in_use",
		"Connections of the pool running a statement or transaction.", []string{"pool"}, nil)
	poolIdle = prometheus.NewDesc("stackd_db_connections_idle",
		"Idle connections of the pool.", []string{"pool"}, nil)
	poolMax = prometheus.NewDesc("stackd_db_connections_max",
		"Most connections the pool may open.", []string{"pool"}, nil)
	poolWaits = prometheus.NewDesc("stackd_db_wait_total",
		"Times a request had to wait for a free connection of the pool.", []string{"pool"}, nil)
	poolWaitTime = prometheus.NewDesc("stackd_db_wait_seconds_total",
		"Time spent waiting for a free connection of the pool.", []string{"pool"}, nil)
)

// poolCollector reports database/sql's pool counters (writer and reader on
// SQLite, the shared pool on PostgreSQL). Reading them touches no database.
type poolCollector struct{ src Source }

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolOpen, poolInUse, poolIdle, poolMax, poolWaits, poolWaitTime} {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	for _, p := range c.src.PoolStats() {
		ch <- prometheus.MustNewConstMetric(poolOpen, prometheus.GaugeValue, float64(p.OpenConnections), p.Name)
		ch <- prometheus.MustNewConstMetric(poolInUse, prometheus.GaugeValue, float64(p.InUse), p.Name)
		ch <- prometheus.MustNewConstMetric(poolIdle, prometheus.GaugeValue, float64(p.Idle), p.Name)
		ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(p.MaxOpenConnections), p.Name)
		ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(p.WaitCount), p.Name)
		ch <- prometheus.MustNewConstMetric(poolWaitTime, prometheus.CounterValue, p.WaitDuration.Seconds(), p.Name)
	}
}

var queueDepth = prometheus.NewDesc("stackd_job_queue_depth",
	"Unfinished background jobs of every stack (the database's view, shared by all instances), by state: due, scheduled, running.",
	[]string{"state"}, nil)

// queueTimeout bounds the one query a scrape makes.
const queueTimeout = 5 * time.Second

// queueCollector counts the job queue with one indexed query per scrape.
type queueCollector struct {
	src Source
	now func() time.Time
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- queueDepth }

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), queueTimeout)
	defer cancel()
	q, err := c.src.JobQueue(ctx, c.now())
	if err != nil {
		ch <- prometheus.NewInvalidMetric(queueDepth, err)
		return
	}
	for state, n := range map[string]int{"due": q.Due, "scheduled": q.Scheduled, "running": q.Running} {
		ch <- prometheus.MustNewConstMetric(queueDepth, prometheus.GaugeValue, float64(n), state)
	}
}
