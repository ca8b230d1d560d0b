package dev.vigil.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.render.GoldenFiles;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pictures in docs/images/ are of the dashboards the code generates today: rewritten with
 * -Dvigil.golden.update=true, otherwise each must exist and have the size of the current layout (a panel or row
 * added or removed changes the height). Pixels are not compared: fonts differ between machines.
 */
class DashboardPictureTest {
    static final Path IMAGES = GoldenFiles.repoRoot().resolve("docs/images");

    @Test
    void picturesMatchTheCurrentLayouts() throws Exception {
        check("service-dashboard.png", Grafana.json(ServiceDashboard.build(DashboardCases.slosAndPools())));
        check("fleet-dashboard.png", Grafana.json(FleetDashboard.build(FleetDashboardTest.fleet())));
    }

    private static void check(String file, String json) throws Exception {
        JsonNode d = new ObjectMapper().readTree(json);
        Path png = IMAGES.resolve(file);
        if (Boolean.getBoolean("vigil.golden.update")) {
            Files.createDirectories(IMAGES);
            DashboardPicture.write(d, png);
        }
        assertThat(png).as("%s is missing; run with -Dvigil.golden.update=true", png).exists();
        BufferedImage image = ImageIO.read(png.toFile());
        int[] size = DashboardPicture.size(d);
        assertThat(new int[] {image.getWidth(), image.getHeight()}).as("%s is of another layout; regenerate it", file)
                .containsExactly(size[0], size[1]);
    }
}
