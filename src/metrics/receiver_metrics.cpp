#include "metrics/receiver_metrics.hpp"

#include "metrics/exposition.hpp"
#include "metrics/pipeline_metrics.hpp"

namespace udpn::metrics {

std::string render_receiver_metrics(const pipeline::thread_stats& stats, const process_info& info)
{
    exposition_writer writer;
    for (const family& f : process_families(info)) {
        writer.write(f);
    }
    for (const family& f : pipeline_families(stats)) {
        writer.write(f);
    }
    return writer.take();
}

} // namespace udpn::metrics
