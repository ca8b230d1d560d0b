package dev.vigil.dashboard;

import com.fasterxml.jackson.databind.JsonNode;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Draws a dashboard's layout from its JSON the way Grafana places it: 24 columns, 30 px per grid row, rows as
 * headers, panels as boxes with their title, type and queries' legends. No data (the picture is of the layout a
 * user gets), drawn with Java2D in headless mode, so docs/dashboards.md can show it.
 */
final class DashboardPicture {
    static final int COLUMN = 50;
    static final int GRID_ROW = 30;
    static final int MARGIN = 16;
    static final int HEADER = 48;

    private DashboardPicture() {
    }

    /** Width and height in pixels of the picture of this dashboard. */
    static int[] size(JsonNode dashboard) {
        int bottom = 0;
        for (JsonNode p : dashboard.get("panels")) {
            JsonNode g = p.get("gridPos");
            bottom = Math.max(bottom, g.get("y").asInt() + g.get("h").asInt());
        }
        return new int[] {2 * MARGIN + 24 * COLUMN, HEADER + 2 * MARGIN + bottom * GRID_ROW};
    }

    static void write(JsonNode dashboard, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int[] size = size(dashboard);
        BufferedImage image = new BufferedImage(size[0], size[1], BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(new Color(0x11, 0x12, 0x17));
        g.fillRect(0, 0, size[0], size[1]);
        g.setColor(new Color(0xd8, 0xd9, 0xda));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        StringBuilder vars = new StringBuilder();
        dashboard.get("templating").get("list").forEach(v -> vars.append("  ").append(v.get("label").asText()).append(" ▾"));
        g.drawString(dashboard.get("title").asText(), MARGIN, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(new Color(0x8e, 0x8e, 0x8e));
        g.drawString(vars.toString().trim() + "      uid " + dashboard.get("uid").asText(), MARGIN + 420, 30);
        for (JsonNode p : dashboard.get("panels")) {
            JsonNode gp = p.get("gridPos");
            int x = MARGIN + gp.get("x").asInt() * COLUMN;
            int y = HEADER + MARGIN + gp.get("y").asInt() * GRID_ROW;
            int w = gp.get("w").asInt() * COLUMN;
            int h = gp.get("h").asInt() * GRID_ROW;
            String type = p.get("type").asText();
            if ("row".equals(type)) {
                g.setColor(new Color(0xd8, 0xd9, 0xda));
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
                g.drawString("▾ " + p.get("title").asText(), x + 4, y + 21);
                continue;
            }
            RoundRectangle2D box = new RoundRectangle2D.Double(x + 3, y + 3, w - 6, h - 6, 6, 6);
            g.setColor(new Color(0x18, 0x1b, 0x1f));
            g.fill(box);
            g.setColor(new Color(0x2c, 0x2f, 0x35));
            g.setStroke(new BasicStroke(1));
            g.draw(box);
            g.setColor(new Color(0xcc, 0xcc, 0xdc));
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.drawString(p.get("title").asText(), x + 12, y + 22);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.setColor(new Color(0x8e, 0x8e, 0x8e));
            int line = y + 40;
            for (JsonNode t : p.get("targets")) {
                if (line > y + h - 12) {
                    break;
                }
                g.drawString("■ " + t.get("legendFormat").asText(), x + 12, line);
                line += 15;
            }
            g.setColor(new Color(0x73, 0xbf, 0x69));
            if ("stat".equals(type)) {
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 22));
                g.drawString(type, x + w - 70, y + h - 16);
            } else {
                // A sketch of a line chart, so the kind of panel shows at a glance.
                int baseY = y + h - 16;
                int prevX = x + 12;
                int prevY = baseY - 10;
                g.setStroke(new BasicStroke(2));
                for (int i = 1; i <= 12; i++) {
                    int nx = x + 12 + i * (w - 24) / 12;
                    int ny = baseY - 10 - (int) (Math.abs(Math.sin(i * 0.9 + x)) * Math.min(40, h / 4));
                    g.drawLine(prevX, prevY, nx, ny);
                    prevX = nx;
                    prevY = ny;
                }
            }
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }
}
