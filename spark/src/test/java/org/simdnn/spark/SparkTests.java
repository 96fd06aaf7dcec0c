package org.simdnn.spark;

import org.apache.spark.sql.SparkSession;

/** One local[2] Spark session for all tests of the module (starting one costs seconds), stopped at JVM exit. */
final class SparkTests {
    private static SparkSession session;

    private SparkTests() {}

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder().master("local[2]").appName("simdnn-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2")
                    .getOrCreate();
            session.sparkContext().setLogLevel("WARN");
            Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
        }
        return session;
    }
}
